/*
How a flag is spelled: the table's camelCase key, the command line's kebab-case name. Its own
module, without meow: the modes kept out of the bundle (serve, replay, bench) name flags in their
errors too, and meow is bundled into dist/main.cjs only (it is no dependency of the package).
*/

export function kebab(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

export function camel(name: string): string {
	return name.replaceAll(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** `--count` for `count`: how an option not given is named in an error line. */
export function longName(name: string): string {
	return `--${kebab(name)}`;
}
