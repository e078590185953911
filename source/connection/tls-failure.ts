/*
What went wrong with TLS, in words, with the hint that fits: a certificate wsterm does not trust
(--ca, -k), a certificate for other names (the names it holds: --ca cannot help), an alert the
server sent (it wants a client certificate: --cert and --key), a server that does not speak TLS
(ws://), and a TLS server reached with ws:// (wss://). OpenSSL's multi-line texts are cut to
their reason; names from the certificate are shown with control characters escaped.
*/
import {escapeControl} from '../shared/escape-text.js';

/** Error codes of Node's own TLS checks and of OpenSSL. */
const tlsCodes = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'ERR_SSL_WRONG_VERSION_NUMBER',
	'EPROTO',
]);

/** Alerts by which a server says it did not like wsterm's client certificate (or that it gave none). */
const clientCertificateAlerts = new Set([42, 43, 44, 45, 46, 48, 49]);

/** A TLS error as Node raises it: the certificate and host are there for a name mismatch. */
type TlsError = NodeJS.ErrnoException & {
	readonly cert?: {readonly subjectaltname?: string; readonly subject?: {readonly CN?: string | readonly string[]}};
	readonly host?: string;
};

/** Whether an error raised before the open is about TLS. */
export function isTlsError(error: NodeJS.ErrnoException): boolean {
	const code = error.code ?? '';
	return tlsCodes.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|SSL routines/i.test(error.message);
}

/** The reason in an OpenSSL message ("...:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/..."), else the first line. */
function opensslReason(message: string): string {
	const reason = /SSL routines:[^:]*:([^:\n]+)/.exec(message)?.[1];
	return escapeControl((reason ?? message.split('\n')[0]!).trim());
}

/** The names a certificate holds (its subjectAltName, else its common name), without their `DNS:` or `IP Address:` prefix. */
function certificateNames(error: TlsError): string[] {
	const altNames = error.cert?.subjectaltname;
	if (altNames !== undefined && altNames !== '') {
		return altNames.split(/,\s*/).map(name => name.replace(/^(?:DNS|IP Address|URI|email):/i, ''));
	}

	const commonName = error.cert?.subject?.CN;
	return commonName === undefined ? [] : [commonName].flat();
}

/** The certificate is valid but for other names: trusting it (--ca) would not help. */
function nameMismatch(error: TlsError, where: string, host: string): string {
	const names = certificateNames(error).map(name => escapeControl(name));
	const held = names.length === 0 ? 'holds no name' : `is for ${names.join(', ')}`;
	return `TLS: the certificate of ${where} ${held}, not for ${escapeControl(error.host ?? host)} (connect with one of those names; -k skips every check)`;
}

// The names of the alerts a server ends a handshake with (RFC 8446 6.2), for an OpenSSL that
// gives only the number (Node 24's says "alert number 40").
const alertNames = new Map([
	[40, 'handshake failure'], [42, 'bad certificate'], [43, 'unsupported certificate'], [44, 'certificate revoked'],
	[45, 'certificate expired'], [46, 'certificate unknown'], [48, 'unknown ca'], [49, 'access denied'],
	[70, 'protocol version'], [71, 'insufficient security'], [80, 'internal error'], [112, 'unrecognized name'],
	[116, 'certificate required'],
]);

/** The server ended the handshake with an alert: its complaint, so the hint is about what wsterm sent. */
function serverAlert(error: TlsError): string | undefined {
	const number = Number(/alert number (\d+)/i.exec(error.message)?.[1] ?? Number.NaN);
	const name = /(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+)/i.exec(error.message)?.[1]?.trim() ?? alertNames.get(number);
	if (name === undefined && Number.isNaN(number)) {
		return undefined;
	}

	let hint = '';
	if (number === 116) {
		hint = ': it requires a client certificate (give --cert FILE --key FILE)';
	} else if (number === 40) {
		hint = ': it may require a client certificate (give --cert FILE --key FILE), or share no TLS version or cipher with wsterm';
	} else if (clientCertificateAlerts.has(number)) {
		hint = ': it did not accept the client certificate (--cert)';
	} else if (number === 70) {
		hint = ': it shares no TLS version with wsterm';
	}

	return `TLS: the server ended the handshake (alert: ${name ?? `number ${number}`})${hint}`;
}

/** A TLS error before the open, in one line; `where` is `host:port`. */
export function describeTlsError(error: TlsError, where: string, host: string): string {
	const code = error.code ?? '';
	if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number|packet length too long/i.test(error.message))) {
		return `TLS handshake with ${where} failed: the server does not speak TLS (try ws:// instead of wss://)`;
	}

	if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
		return nameMismatch(error, where, host);
	}

	return serverAlert(error)
		?? `TLS: ${opensslReason(error.message)} (${code || 'TLS error'}); trust the certificate with --ca FILE, or skip verification with -k`;
}

/**
A ws:// connect that met a TLS server: it answered the plain HTTP request with TLS bytes (an alert
or a handshake record: 0x15 or 0x16, then version 3.x), or hung up on it. Returns the hint to add.
*/
export function plainToTlsHint(error: NodeJS.ErrnoException & {readonly rawPacket?: Buffer}, url: URL): 'answered' | 'maybe' | undefined {
	if (url.protocol !== 'ws:') {
		return undefined;
	}

	const raw = error.rawPacket;
	if (raw !== undefined && raw.length >= 2 && (raw[0] === 0x15 || raw[0] === 0x16) && raw[1] === 0x03) {
		return 'answered';
	}

	return error.code === 'ECONNRESET' || error.message === 'socket hang up' ? 'maybe' : undefined;
}
