/*
Secrets out of what wsterm prints: a profile's credentials (ProfileContext.secrets) shown as `***`.
*/

/** `text` with each of `secrets` replaced by `***` (the longest first, so one inside another goes whole). */
export function redact(text: string, secrets: readonly string[]): string {
	let shown = text;
	for (const secret of [...secrets].sort((first, second) => second.length - first.length)) {
		if (secret !== '') {
			shown = shown.replaceAll(secret, '***');
		}
	}

	return shown;
}

/** The password of a URL-like `text` (`wss://user:password@host`) as `***`, even where the text is not a valid URL. */
export function redactUrlPassword(text: string): string {
	return text.replace(/^([a-z][\w+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i, '$1***@');
}
