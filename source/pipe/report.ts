/*
What pipe mode says on stderr about the connection's life (connecting, reconnecting, a drop),
and how the end of a run becomes its exit code and its last lines. Pure: the run says what
happened, these answer with the lines (without the `wsterm: ` prefix) and the code.
*/
import {describeCloseCode, isCleanClose} from '../connection/close-codes.js';
import type {ConnectTarget} from '../connection/connect-options.js';
import {describeRoute} from '../connection/route.js';
import type {CloseEvent, ConnectFailure, OpenEvent, ReconnectEvent} from '../connection/connection.js';
import {escapeControl} from '../shared/escape-text.js';
import {exitCodes} from '../shared/exit-codes.js';
import type {EndReason} from './ending.js';

/** What the run knows when the connection has ended. */
export type RunEnd = {
	readonly verbose: boolean;
	/** `--until` was given. */
	readonly until: boolean;
	/** `-n`. */
	readonly count: number | undefined;
	readonly received: number;
	/** Why wsterm closed, when the ending rules did. */
	readonly endReason: EndReason | undefined;
	/** A signal came: its exit code. */
	readonly signalExit: number | undefined;
	/** A stage ended the run (ctx.exit, the --until message came) with this code. */
	readonly stageExit: number | undefined;
	readonly stdoutGone: boolean;
	/** The ending rules' code for a clean close (5 when -n's messages did not all come). */
	readonly endingExitCode: number;
	/** A stage still holds lines to send (a protocol's handshake never finished). */
	readonly stagesHolding: boolean;
	/** Messages sent that await a reply, and the replies that came: for the note when --linger ran out. */
	readonly sent: number;
	readonly answered: number;
	/** The seconds of quiet the run waited for replies at the end of input (--linger, or its default). */
	readonly linger: number;
};

/** Lines for stderr and, when the run is over, its exit code. */
export type Outcome = {
	readonly notes: readonly string[];
	readonly exitCode?: number;
};

/** The line (verbose only) for each attempt to connect. */
export function connectingLine(attempt: number, target: ConnectTarget): string {
	// A proxy is named by its URL (no password); --unix-socket, --resolve and --connect-to by describeRoute.
	const route = target.proxy === undefined ? describeRoute(target) : `through ${target.proxy}`;
	return `${attempt > 1 ? 'reconnecting' : 'connecting'} to ${target.displayUrl}${route === undefined ? '' : ` ${route}`}`;
}

/** The line for a planned reconnect: always shown after a failed attempt, else only with -v. */
export function reconnectingLine({attempt, delay, failure}: ReconnectEvent): {readonly line: string; readonly verboseOnly: boolean} {
	const next = `reconnect attempt ${attempt} in ${(delay / 1000).toFixed(1)} s`;
	return failure === undefined ? {line: next, verboseOnly: true} : {line: `reconnect failed: ${failure.message}; ${next}`, verboseOnly: false};
}

/** The line (verbose only) for an open connection. */
export function connectedLine({protocol, extensions, attempt}: OpenEvent, target: ConnectTarget): string {
	// RFC 6455 lets a server pick none of the subprotocols offered (browsers fail there; wsterm goes on and says so).
	const chosen = protocol === '' && target.protocols.length > 0
		? `no subprotocol: the server chose none of ${target.protocols.join(', ')}`
		: protocol && `subprotocol ${escapeControl(protocol)}`;
	const details = [chosen, extensions && `extensions ${escapeControl(extensions)}`].filter(Boolean);
	return `${attempt > 1 ? 'reconnected' : 'connected'} to ${target.displayUrl}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** The -P line for a close frame, sent (`>`) or received (`<`). */
export function closeFrameLine({code, reason, byUs}: CloseEvent): string {
	return `${byUs ? '>' : '<'} close ${describeCloseCode(code)}${shownReason(reason)}`;
}

/** Connecting failed for good; after a signal that is expected, and said only with -v. */
export function connectErrorOutcome(failure: ConnectFailure, target: ConnectTarget, run: Pick<RunEnd, 'verbose' | 'signalExit'>): Outcome {
	if (run.signalExit !== undefined) {
		return {notes: run.verbose ? [`could not connect: ${failure.message}`] : []};
	}

	return {notes: [`could not connect to ${target.displayUrl}: ${failure.message}`], exitCode: exitCodes.connectFailed};
}

/** The connection closed: a reconnect (no exit code), a drop or a fault (3), or a clean end. */
export function closeOutcome({code, reason, byUs, fault, willReconnect}: CloseEvent, run: RunEnd): Outcome {
	const shown = shownReason(reason);
	if (willReconnect) {
		return {notes: [`connection lost (${fault ?? describeCloseCode(code)}${fault === undefined ? shown : ''}); reconnecting`]};
	}

	if (fault !== undefined) {
		return droppedOutcome(run, code === 1006 ? `dropped the connection: ${fault}` : `closed the connection with ${describeCloseCode(code)}: ${fault}`, 'the connection dropped');
	}

	if (!byUs && !isCleanClose(code)) {
		return droppedOutcome(run, code === 1006
			? `connection dropped (${describeCloseCode(code)}${shown})`
			: `server closed the connection with ${describeCloseCode(code)}${shown}`, 'the connection ended');
	}

	return cleanOutcome(run, run.verbose ? [`closed with ${describeCloseCode(code)}${shown}`] : []);
}

/**
The code the run exits with, once stdout has taken everything: a signal's first, then a failure
to write stdout (what was received did not all reach its file), then the outcome's.
*/
export function finalExitCode(code: number, {signalExit, stdoutFailed}: {readonly signalExit: number | undefined; readonly stdoutFailed: boolean}): number {
	return signalExit ?? (stdoutFailed ? exitCodes.outputFailed : code);
}

function shownReason(reason: string): string {
	return reason === '' ? '' : `: ${escapeControl(reason)}`;
}

function droppedOutcome(run: RunEnd, line: string, what: string): Outcome {
	const missed = untilMissed(run, `before ${what}`);
	return missed === undefined
		? {notes: [line], exitCode: exitCodes.dropped}
		: {notes: [line, missed], exitCode: exitCodes.expectedMissing};
}

function cleanOutcome(run: RunEnd, notes: readonly string[]): Outcome {
	const before = run.endReason === 'wait' ? 'the -w time ran out' : 'the connection closed';
	const missed = untilMissed(run, `before ${before}`);
	if (missed !== undefined) {
		return {notes: [...notes, missed], exitCode: exitCodes.expectedMissing};
	}

	if (run.stageExit !== undefined) {
		return {notes, exitCode: run.stageExit};
	}

	let exitCode = run.stdoutGone ? exitCodes.ok : run.endingExitCode;
	if (exitCode === exitCodes.ok && run.endReason !== 'count' && run.signalExit === undefined && run.stagesHolding) {
		// Lines a stage still held (a protocol's handshake never finished): the protocol's connection never opened.
		exitCode = exitCodes.connectFailed;
	}

	if (exitCode === exitCodes.countNotReached && run.signalExit === undefined) {
		return {notes: [...notes, `${run.received} of the ${run.count!} messages asked for (-n) came before ${before}`], exitCode};
	}

	const unanswered = lingerNote(run);
	return {notes: unanswered === undefined ? notes : [...notes, unanswered], exitCode};
}

/**
--linger ran out with replies outstanding: still a clean end (exit 0: the server may never answer
some messages), but said, with the count. Not with --linger 0, which asks for no wait at all.
*/
function lingerNote(run: RunEnd): string | undefined {
	const unanswered = run.sent - run.answered;
	if (run.endReason !== 'quiet' || run.linger === 0 || unanswered <= 0 || run.stdoutGone || run.signalExit !== undefined) {
		return undefined;
	}

	return `no message for ${run.linger} s (--linger): closed with ${unanswered} of the ${run.sent} messages sent unanswered`;
}

/**
A run that ended before the --until message came exits 4, with a line saying so (not after a
signal, a stage's exit or stdout gone). When -n's messages had all come, -n ended the run,
whatever happened to the connection after: the line says so.
*/
function untilMissed(run: RunEnd, when: string): string | undefined {
	if (!run.until || run.stageExit !== undefined || run.signalExit !== undefined || run.stdoutGone) {
		return undefined;
	}

	return `the --until message did not come ${run.endReason === 'count' ? `within the ${run.count!} messages asked for (-n)` : when}`;
}
