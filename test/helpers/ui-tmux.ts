import {execFileSync} from 'node:child_process';

/** Whether tmux can be run here. */
export function hasTmux(): boolean {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

export const delay = async (ms: number): Promise<void> => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** One tmux server of its own (a private socket, no user config) with one window. */
export class TmuxSession {
	readonly socket = `wsterm-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

	constructor(command: string, {columns = 100, rows = 24}: {columns?: number; rows?: number} = {}) {
		this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(columns), '-y', String(rows), command);
	}

	tmux(...arguments_: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, ...arguments_], {encoding: 'utf8'});
	}

	/** The visible screen as text. */
	capture(): string {
		return this.tmux('capture-pane', '-p', '-t', 'main');
	}

	/** tmux's own view of the pane: cursor shown, alternate screen on. */
	display(format: string): string {
		return this.tmux('display-message', '-p', '-t', 'main', format).trim();
	}

	/** Keys as tmux names them (`Enter`, `C-c`) or literal text with `literal`. */
	keys(keys: string, {literal = false}: {literal?: boolean} = {}): void {
		this.tmux('send-keys', '-t', 'main', ...(literal ? ['-l', keys] : [keys]));
	}

	/** Polls the screen until `check` passes, for at most `timeout` ms. */
	async waitFor(check: RegExp | ((screen: string) => boolean), {timeout = 10_000, interval = 20, what = String(check)} = {}): Promise<string> {
		const started = Date.now();
		let screen = '';
		while (Date.now() - started < timeout) {
			screen = this.capture();
			if (typeof check === 'function' ? check(screen) : check.test(screen)) {
				return screen;
			}

			await delay(interval);
		}

		throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
	}

	resize(columns: number, rows: number): void {
		this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
	}

	kill(): void {
		try {
			this.tmux('kill-server');
		} catch {}
	}
}

/** A shell command line that runs the built CLI with `env` added to the environment. */
export function cliCommand(cliPath: string, arguments_: readonly string[], env: Record<string, string>): string {
	const quote = (text: string): string => `'${text.replaceAll('\'', '\'\\\'\'')}'`;
	const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
	return ['env', ...assignments, quote(process.execPath), quote(cliPath), ...arguments_.map(quote)].join(' ');
}
