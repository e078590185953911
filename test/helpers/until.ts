/** Polls `check` every 20 ms until it passes; throws after `timeout` ms. */
export async function until(check: () => boolean, timeout = 15_000): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeout) {
			throw new Error('timed out waiting');
		}

		await new Promise(resolve => {
			setTimeout(resolve, 20);
		});
	}
}
