/*
What a profile gives a run beyond its flags (a profile's flags become command-line options; see
the profiles/ README): the contract between loading profiles (files, @NAME) and using them
(templates, saved messages, redaction). Pure data; profiles/ imports only shared/, its own files
and (template-stage.ts) pipeline/'s stage interface.
*/

export type ProfileContext = {
	/** The profile used (`wsterm @NAME`, `--profile NAME`) and the file it came from; undefined without one. */
	readonly profile?: {readonly name: string; readonly file: string};
	/**
	Every variable of the run, merged: the file's `[vars]`, then the profile's `vars`, then `--var`
	(later wins). `--var` is in it with or without a profile (without one, only `--var`'s).
	*/
	readonly vars: ReadonlyMap<string, string>;
	/** The profile's saved messages by name, as written (templates, expanded when sent). */
	readonly savedMessages: ReadonlyMap<string, string>;
	/** The profile's `template = true`: expand variables in every message, as --template does. */
	readonly template: boolean;
	/**
	Values never printed (shown as ***, profiles/redact.ts): the URL's password, `auth` (and its
	password alone), `cookie` and `passphrase`, the values of the Authorization, Proxy-Authorization
	and Cookie headers and of any header or flag that uses `{{env.…}}` (a URL, `url` or `proxy`, keeps its
	shape: only its values from the environment and its password), and each value taken from the
	environment. Only the profile's: empty without one.
	*/
	readonly secrets: readonly string[];
	/** The user's own config file (`$XDG_CONFIG_HOME/wsterm/config.toml`): where `/keep` saves a message. Its path only (it may not exist); set in every run cli/ builds, profile or not. */
	readonly userConfigFile: string | undefined;
};

/** A run without a profile. */
export const noProfile: ProfileContext = {
	vars: new Map(),
	savedMessages: new Map(),
	template: false,
	secrets: [],
	userConfigFile: undefined,
};
