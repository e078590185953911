/*
Secrets out of what wsterm prints: a profile's credentials (ProfileContext.secrets) shown as `***`,
in every form wsterm may print them in. A value is rarely printed as given: a URL's host is
lower-cased, its path, query and password percent-encoded, an error line escapes control
characters, a JSON line escapes quotes. Each of those forms is redacted too.
*/
import {domainToASCII} from 'node:url';
import {escapeControl} from '../shared/escape-text.js';

/**
Values shorter than this are not looked for in other text: a 1-3 character value gives nothing
away, and replacing every `1` would garble the host 127.0.0.1 in wsterm's own lines. A longer
text that holds one (`Bearer 1`, a header's whole value) is still a secret of its own.
*/
export const shortestRedacted = 4;

/** `text` with each control character as `\xNN` (connection/'s error lines write them so). */
function hexEscaped(text: string): string {
	return text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, character => `\\x${character.codePointAt(0)!.toString(16).padStart(2, '0')}`);
}

/** The forms the WHATWG URL serializer writes `text` in: in a path, a query, a user name or password. */
function urlForms(text: string): string[] {
	const forms: string[] = [];
	try {
		const url = new URL('ws://host/');
		url.pathname = `/${text}`;
		forms.push(url.pathname.slice(1));
		url.search = `?${text}`;
		forms.push(url.search.slice(1));
		url.username = text;
		forms.push(url.username);
	} catch {
		// A text no URL can hold has no URL form.
	}

	return forms;
}

/** Every way `secret` may be printed: as given, trimmed, lower-cased, as a host, percent-encoded, escaped. */
export function secretForms(secret: string): string[] {
	// A '#' in a value put in a URL starts its fragment, which the URL drops: what stands before it is shown.
	const given = [secret, secret.trim(), ...(secret.includes('#') ? [secret.slice(0, secret.indexOf('#'))] : [])];
	const forms = given.flatMap(text => [
		text,
		text.toLowerCase(),
		domainToASCII(text),
		encodeURIComponent(text),
		encodeURI(text),
		...urlForms(text),
		JSON.stringify(text).slice(1, -1),
		escapeControl(text),
		escapeControl(text, {keepLayout: true}),
		hexEscaped(text),
	]);
	return [...new Set(forms)].filter(form => form.length >= shortestRedacted);
}

/** A function that replaces each of `secrets`, in each of its forms, by `***` (worked out once, for a run's many lines). */
export function redactor(secrets: readonly string[]): (text: string) => string {
	// The longest first, so that one inside another goes whole. A secret shorter than shortestRedacted is left (see there).
	const forms = [...new Set(secrets.filter(secret => secret.length >= shortestRedacted).flatMap(secret => secretForms(secret)))]
		.sort((first, second) => second.length - first.length);
	return text => {
		let shown = text;
		for (const form of forms) {
			shown = shown.replaceAll(form, '***');
		}

		return shown;
	};
}

/** `text` with each of `secrets`, in each of its forms, as `***` (see redactor). */
export function redact(text: string, secrets: readonly string[]): string {
	return secrets.length === 0 ? text : redactor(secrets)(text);
}

/** The password of a URL-like `text` (`wss://user:password@host`) as `***`, even where the text is not a valid URL. */
export function redactUrlPassword(text: string): string {
	return text.replace(/^([a-z][\w+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i, '$1***@');
}
