/* Where Socket.IO listens, from the URL given to --protocol socketio (no library needed for it). */

/** The Socket.IO URL for a server URL: `/socket.io/?EIO=4&transport=websocket`, and the namespace its path named. */
export function socketIoUrl(text: string): {url: string; namespace: string} {
	const url = new URL(text);
	const namespace = url.pathname === '' || url.pathname.startsWith('/socket.io') ? '/' : url.pathname.replace(/\/+$/, '') || '/';
	url.pathname = '/socket.io/';
	url.searchParams.set('EIO', '4');
	url.searchParams.set('transport', 'websocket');
	return {url: url.href, namespace};
}
