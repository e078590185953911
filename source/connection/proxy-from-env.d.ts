// proxy-from-env 2 ships no types.
declare module 'proxy-from-env' {
	/** The proxy URL the *_PROXY / NO_PROXY environment picks for `url`, or '' for none. */
	export function getProxyForUrl(url: string): string;
}
