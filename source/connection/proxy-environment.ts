/*
Which proxy the environment names for a URL, read as curl reads it: the scheme's own variable
first (`https_proxy` for wss://, `http_proxy` for ws://, as the upgrade request's scheme is
https: or http:), then `all_proxy`; each name in lower case before upper case; an empty variable
counts as unset; `no_proxy` (then `NO_PROXY`) still wins. The environment is passed in.
*/
import {BlockList, isIP} from 'node:net';

/** The process's environment, or a test's. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What the environment says for one URL: the proxy, and the variable that named it. */
export type EnvironmentProxy = {
	readonly proxy: string;
	readonly variable: string;
};

/** The variables read for a ws:// or wss:// URL, in the order they are tried. */
export function proxyVariables(url: URL): readonly string[] {
	const own = url.protocol === 'wss:' ? 'https_proxy' : 'http_proxy';
	return [own, own.toUpperCase(), 'all_proxy', 'ALL_PROXY'];
}

function variable(env: Environment, name: string): string | undefined {
	const value = env[name]?.trim();
	return value === undefined || value === '' ? undefined : value;
}

/** The proxy the environment names for `url`, or undefined (none set, or NO_PROXY covers the host). */
export function proxyFromEnvironment(url: URL, env: Environment): EnvironmentProxy | undefined {
	const noProxy = variable(env, 'no_proxy') ?? variable(env, 'NO_PROXY');
	if (noProxy !== undefined && bypassesProxy(url, noProxy)) {
		return undefined;
	}

	for (const name of proxyVariables(url)) {
		const proxy = variable(env, name);
		if (proxy !== undefined) {
			return {proxy, variable: name};
		}
	}

	return undefined;
}

function defaultPort(url: URL): number {
	return url.protocol === 'wss:' ? 443 : 80;
}

/**
Whether NO_PROXY's list covers the URL's host: `*` covers every host; a name covers itself and
its subdomains (a leading `.` or `*.` changes nothing); an address covers itself and a CIDR block
(`10.0.0.0/8`) its addresses, as curl reads them. An entry with `:port` covers that port only.
*/
export function bypassesProxy(url: URL, noProxy: string): boolean {
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = Number(url.port || defaultPort(url));
	return noProxy.split(/[,\s]+/).some(entry => {
		if (entry === '*') {
			return true;
		}

		const [written, entryPort] = splitPort(entry);
		const name = written.replace(/^\*?\.*/, '').toLowerCase();
		if (name === '' || (entryPort !== undefined && entryPort !== port)) {
			return false;
		}

		const slash = name.indexOf('/');
		if (slash > 0 && isIP(host) !== 0) {
			return inBlock(host, name.slice(0, slash), Number(name.slice(slash + 1)));
		}

		return host === name || host.endsWith(`.${name}`);
	});
}

/** `host:port` or `[v6]:port` split; a bare IPv6 address (`::1`, `fd00::/8`) has no port. */
function splitPort(entry: string): [name: string, port: number | undefined] {
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
	if (bracketed !== null) {
		return [bracketed[1]!, bracketed[2] === undefined ? undefined : Number(bracketed[2])];
	}

	const withPort = /^([^:]*):(\d+)$/.exec(entry);
	return withPort === null ? [entry, undefined] : [withPort[1]!, Number(withPort[2])];
}

function inBlock(host: string, network: string, prefix: number): boolean {
	const family = isIP(network);
	if (family === 0 || family !== isIP(host) || !Number.isInteger(prefix)) {
		return false;
	}

	const block = new BlockList();
	const type = family === 4 ? 'ipv4' : 'ipv6';
	try {
		block.addSubnet(network, prefix, type);
	} catch {
		return false;
	}

	return block.check(host, type);
}
