/**
Turns terminal text with SGR escape sequences (what `tmux capture-pane -e -p` prints) into a
self-contained SVG of a dark terminal window. Pure: no I/O, no fonts embedded.
*/

export type Style = {
	readonly fg: string | undefined;
	readonly bg: string | undefined;
	readonly bold: boolean;
	readonly dim: boolean;
	readonly italic: boolean;
	readonly underline: boolean;
	readonly inverse: boolean;
};

/** Consecutive characters of one style, starting at a 0-based column. */
export type Run = {
	readonly text: string;
	readonly column: number;
	readonly columns: number;
	readonly style: Style;
};

export type SvgOptions = {
	readonly title?: string;
	/** At least this many columns wide (the terminal's width; captures drop trailing blanks). */
	readonly columns?: number;
	readonly fontSize?: number;
};

const plain: Style = {fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false};

const windowBackground = '#1e1f29';
const defaultForeground = '#e2e4ec';

/** Colours 0–15: a dark theme's palette, bright enough to read on the window's background. */
const basicColors = [
	'#3b3d4a', '#ff6e6e', '#69db7c', '#f1c76b', '#74a7ff', '#d98cff', '#5fd7e0', '#c8cad4',
	'#6c7086', '#ff8f8f', '#8ce99a', '#ffe08a', '#99bfff', '#e5aaff', '#8ae9ef', '#ffffff',
];

function hex(r: number, g: number, b: number): string {
	return '#' + [r, g, b].map(value => Math.max(0, Math.min(255, value)).toString(16).padStart(2, '0')).join('');
}

/** xterm's 256-colour table: the 16 basic colours, a 6×6×6 cube, then 24 greys. */
function color256(index: number): string | undefined {
	if (index < 16) {
		return basicColors[index];
	}

	if (index < 232) {
		const level = (value: number) => (value === 0 ? 0 : 55 + (value * 40));
		const cube = index - 16;
		return hex(level(Math.floor(cube / 36)), level(Math.floor(cube / 6) % 6), level(cube % 6));
	}

	if (index < 256) {
		const grey = 8 + ((index - 232) * 10);
		return hex(grey, grey, grey);
	}

	return undefined;
}

/**
Reads an extended colour (`5;n` or `2;r;g;b`) from the parameters after 38 or 48; returns the
colour and how many parameters it used.
*/
function extendedColor(parameters: readonly number[], at: number): [string | undefined, number] {
	const mode = parameters[at];
	if (mode === 5) {
		return [color256(parameters[at + 1] ?? -1), 2];
	}

	if (mode === 2) {
		return [hex(parameters[at + 1] ?? 0, parameters[at + 2] ?? 0, parameters[at + 3] ?? 0), 4];
	}

	return [undefined, 0];
}

/** Applies one SGR sequence's parameters (`1;31` → [1, 31]) to a style. */
function applySgr(style: Style, parameters: readonly number[]): Style {
	let next = {...style};
	// `ESC[m` means reset, like `ESC[0m`.
	const list = parameters.length === 0 ? [0] : parameters;
	for (let index = 0; index < list.length; index++) {
		const code = list[index] ?? 0;
		if (code === 0) {
			next = {...plain};
		} else if (code === 1) {
			next.bold = true;
		} else if (code === 2) {
			next.dim = true;
		} else if (code === 3) {
			next.italic = true;
		} else if (code === 4) {
			next.underline = true;
		} else if (code === 7) {
			next.inverse = true;
		} else if (code === 22) {
			next.bold = false;
			next.dim = false;
		} else if (code === 23) {
			next.italic = false;
		} else if (code === 24) {
			next.underline = false;
		} else if (code === 27) {
			next.inverse = false;
		} else if (code >= 30 && code <= 37) {
			next.fg = basicColors[code - 30];
		} else if (code >= 90 && code <= 97) {
			next.fg = basicColors[code - 90 + 8];
		} else if (code >= 40 && code <= 47) {
			next.bg = basicColors[code - 40];
		} else if (code >= 100 && code <= 107) {
			next.bg = basicColors[code - 100 + 8];
		} else if (code === 39) {
			next.fg = undefined;
		} else if (code === 49) {
			next.bg = undefined;
		} else if (code === 38 || code === 48) {
			const [color, used] = extendedColor(list, index + 1);
			if (code === 38) {
				next.fg = color;
			} else {
				next.bg = color;
			}

			index += used;
		}
	}

	return next;
}

/** Roughly: CJK, Hangul, full-width forms and emoji take two columns in a terminal. */
function charColumns(char: string): number {
	const code = char.codePointAt(0) ?? 0;
	const wide = (code >= 0x11_00 && code <= 0x11_5F)
		|| (code >= 0x2E_80 && code <= 0xA4_CF)
		|| (code >= 0xAC_00 && code <= 0xD7_A3)
		|| (code >= 0xF9_00 && code <= 0xFA_FF)
		|| (code >= 0xFF_00 && code <= 0xFF_60)
		|| (code >= 0xFF_E0 && code <= 0xFF_E6)
		|| (code >= 0x1_F3_00 && code <= 0x1_F6_4F)
		|| (code >= 0x1_F9_00 && code <= 0x1_F9_FF)
		|| (code >= 0x2_00_00 && code <= 0x3_FF_FD);
	return wide ? 2 : 1;
}

function sameStyle(a: Style, b: Style): boolean {
	return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim
		&& a.italic === b.italic && a.underline === b.underline && a.inverse === b.inverse;
}

// SGR sequences, then any other CSI or OSC sequence (dropped: they do not draw anything).
const escapePattern = /\u001B\[([\d;:]*)m|\u001B\[[\d;?]*[A-Za-z]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/y;

/** Splits each line into runs of one style; styles carry over from line to line, as in a terminal. */
export function parseAnsi(text: string): Run[][] {
	const lines = text.replace(/\r/g, '').split('\n');
	// A capture ends with a newline; that does not start another row.
	if (lines.at(-1) === '') {
		lines.pop();
	}

	let style = plain;
	return lines.map(line => {
		const runs: Run[] = [];
		let column = 0;
		let index = 0;
		while (index < line.length) {
			if (line[index] === '\u001B') {
				escapePattern.lastIndex = index;
				const match = escapePattern.exec(line);
				if (match !== null) {
					if (match[1] !== undefined) {
						const parameters = match[1] === '' ? [] : match[1].split(/[;:]/).map(Number);
						style = applySgr(style, parameters);
					}

					index += match[0].length;
					continue;
				}
			}

			const char = String.fromCodePoint(line.codePointAt(index) ?? 0);
			index += char.length;
			const width = charColumns(char);
			const last = runs.at(-1);
			if (last !== undefined && sameStyle(last.style, style)) {
				runs[runs.length - 1] = {...last, text: last.text + char, columns: last.columns + width};
			} else {
				runs.push({text: char, column, columns: width, style});
			}

			column += width;
		}

		return runs;
	});
}

const entities: Record<string, string> = {'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\'': '&apos;'};

function escapeXml(text: string): string {
	return text.replace(/[<>&"']/g, char => entities[char] ?? char)
		// Control characters are not allowed in XML 1.0; a terminal would not draw them either.
		.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/** The colours a run is drawn with, inverse applied: [text, background or undefined]. */
export function runColors(style: Style): [string, string | undefined] {
	if (style.inverse) {
		return [style.bg ?? windowBackground, style.fg ?? defaultForeground];
	}

	return [style.fg ?? defaultForeground, style.bg];
}

export function ansiToSvg(text: string, options: SvgOptions = {}): string {
	const rows = parseAnsi(text);
	const fontSize = options.fontSize ?? 14;
	// Monospace fonts are about 0.6 em wide; every run is placed at its column, so a font a
	// little wider or narrower does not make rows drift apart.
	const cellWidth = fontSize * 0.6;
	const lineHeight = Math.round(fontSize * 1.4);
	const padding = 16;
	// Rows start a little below the title bar; the other sides get the full padding.
	const firstRow = 34 + 8;
	const columns = Math.max(options.columns ?? 0, ...rows.map(runs => runs.reduce((sum, run) => sum + run.columns, 0)));
	const width = Math.ceil((columns * cellWidth) + (padding * 2));
	const height = firstRow + (rows.length * lineHeight) + padding;
	const round = (value: number) => Number(value.toFixed(2));

	const backgrounds: string[] = [];
	const texts: string[] = [];
	for (const [rowIndex, runs] of rows.entries()) {
		const top = firstRow + (rowIndex * lineHeight);
		const spans: string[] = [];
		for (const run of runs) {
			const [fill, background] = runColors(run.style);
			const x = round(padding + (run.column * cellWidth));
			if (background !== undefined) {
				backgrounds.push(`<rect x="${x}" y="${top}" width="${round(run.columns * cellWidth)}" height="${lineHeight}" fill="${background}"/>`);
			}

			if (run.text.trim() === '') {
				continue;
			}

			const attributes = [`x="${x}"`];
			if (fill !== defaultForeground) {
				attributes.push(`fill="${fill}"`);
			}

			if (run.style.bold) {
				attributes.push('font-weight="bold"');
			}

			if (run.style.dim) {
				attributes.push('fill-opacity="0.6"');
			}

			if (run.style.italic) {
				attributes.push('font-style="italic"');
			}

			if (run.style.underline) {
				attributes.push('text-decoration="underline"');
			}

			spans.push(`<tspan ${attributes.join(' ')}>${escapeXml(run.text)}</tspan>`);
		}

		if (spans.length > 0) {
			// The baseline sits about 0.75 of a line below the row's top, centring the glyphs.
			texts.push(`<text y="${round(top + (lineHeight * 0.74))}">${spans.join('')}</text>`);
		}
	}

	const title = escapeXml(options.title ?? 'wsterm');
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
		`<rect width="${width}" height="${height}" rx="10" fill="${windowBackground}"/>`,
		`<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="10" fill="none" stroke="#3a3c4e"/>`,
		'<circle cx="20" cy="17" r="6" fill="#ff5f57"/><circle cx="40" cy="17" r="6" fill="#febc2e"/><circle cx="60" cy="17" r="6" fill="#28c840"/>',
		`<text x="${round(width / 2)}" y="22" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13" fill="#9a9cab">${title}</text>`,
		...backgrounds,
		`<g font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace" font-size="${fontSize}" fill="${defaultForeground}" xml:space="preserve">`,
		...texts,
		'</g>',
		'</svg>',
		'',
	].join('\n');
}
