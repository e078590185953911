import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ansiToSvg, parseAnsi, runColors} from '../scripts/ansi-svg.js';

const esc = '\u001B';

test('text is XML-escaped, and control characters that XML forbids are dropped', () => {
	const svg = ansiToSvg(`a <b> & "c" 'd'\u0007${esc}[1m\n`);
	assert.match(svg, /a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;<\/tspan>/);
	assert.doesNotMatch(svg, /\u0007|\u001B/);
	assert.doesNotMatch(svg, /<b>/);
});

test('colours split a row into runs at their columns', () => {
	const [row] = parseAnsi(`ab${esc}[31mcd${esc}[38;5;196mef${esc}[38;2;1;2;3mgh${esc}[39mij`);
	assert.deepEqual(row?.map(run => [run.text, run.column, run.style.fg]), [
		['ab', 0, undefined],
		['cd', 2, '#ff6e6e'],
		['ef', 4, '#ff0000'],
		['gh', 6, '#010203'],
		['ij', 8, undefined],
	]);
	const svg = ansiToSvg(`ab${esc}[31mcd`);
	assert.match(svg, /<tspan x="16">ab<\/tspan><tspan x="32.8" fill="#ff6e6e">cd<\/tspan>/);
});

test('a background colour draws a rect under its run', () => {
	const svg = ansiToSvg(`x${esc}[48;5;21m  hi ${esc}[49m`);
	assert.match(svg, /<rect x="24.4" y="\d+" width="42" height="20" fill="#0000ff"\/>/);
});

test('inverse swaps the colours, the default ones too', () => {
	const colorsOf = (text: string) => runColors(parseAnsi(text)[0]?.[0]?.style ?? assert.fail('no run'));
	assert.deepEqual(colorsOf(`${esc}[7;32mopen`), ['#1e1f29', '#69db7c']);
	assert.deepEqual(colorsOf(`${esc}[7m cursor `), ['#1e1f29', '#e2e4ec']);
	assert.deepEqual(colorsOf(`${esc}[7;31;47mx`), ['#c8cad4', '#ff6e6e']);
	assert.deepEqual(colorsOf(`${esc}[7m${esc}[27mx`), ['#e2e4ec', undefined]);
	assert.match(ansiToSvg(`${esc}[7m cursor ${esc}[27m`), /<rect x="16" y="\d+" width="67.2" height="20" fill="#e2e4ec"\/>/);
});

test('reset (0 or nothing) ends every attribute, and styles carry across lines until then', () => {
	const rows = parseAnsi(`${esc}[1;2;4;35;44mA\nB${esc}[0mC${esc}[1mD${esc}[mE`);
	const styleOf = (row: number, text: string) => rows[row]?.find(run => run.text === text)?.style;
	assert.deepEqual(styleOf(1, 'B'), styleOf(0, 'A'));
	assert.equal(styleOf(0, 'A')?.bold, true);
	assert.equal(styleOf(0, 'A')?.dim, true);
	assert.equal(styleOf(0, 'A')?.bg, '#74a7ff');
	for (const text of ['C', 'E']) {
		assert.deepEqual(styleOf(1, text), {fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false});
	}

	assert.equal(styleOf(1, 'D')?.bold, true);
});

test('the window is as wide as the widest row or the given columns, and wide characters take two', () => {
	const width = (svg: string) => Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
	assert.equal(width(ansiToSvg('1234567890\nabc')), Math.ceil((10 * 8.4) + 32));
	assert.equal(width(ansiToSvg('abc', {columns: 100})), Math.ceil((100 * 8.4) + 32));
	assert.equal(parseAnsi('日本x')[0]?.[0]?.columns, 5);
	assert.match(ansiToSvg('x', {title: 'a<b'}), />a&lt;b<\/text>/);
});
