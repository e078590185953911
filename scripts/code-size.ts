/*
How big the code's units and files are: every function (declarations, methods, arrow functions,
components) in source/ with its length in lines, nested functions counted inside their parent
too, and every file's length. The house limits are 200 lines a unit and 600 a file
(test/code-size.test.ts holds them). Run: node --import tsx scripts/code-size.ts [N] for the N
longest of each.
*/
import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

export const unitLimit = 200;
export const fileLimit = 600;

export type Sized = {readonly name: string; readonly lines: number};

const root = fileURLToPath(new URL('..', import.meta.url));

/** The TypeScript files below `directory`, declaration files left out. */
export function sourceFiles(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true}).flatMap(entry => {
		const path = join(directory, entry.name);
		if (entry.isDirectory()) {
			return sourceFiles(path);
		}

		return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
}

function unitName(node: ts.Node, file: ts.SourceFile): string {
	const named = node as {name?: ts.Node};
	if (named.name !== undefined) {
		return named.name.getText(file);
	}

	const {parent} = node;
	if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
		return parent.name.getText(file);
	}

	if (ts.isCallExpression(parent)) {
		return `${parent.expression.getText(file).slice(0, 40)}(callback)`;
	}

	return '(anonymous)';
}

/** Every function-like unit of the files below `directory` (source/ by default), longest first. */
export function measureUnits(directory = join(root, 'source')): Sized[] {
	const units: Sized[] = [];
	for (const path of sourceFiles(directory)) {
		const text = readFileSync(path, 'utf8');
		const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
		const visit = (node: ts.Node): void => {
			if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
				const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
				const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
				units.push({name: `${relative(root, path)}:${start + 1} ${unitName(node, file)}`, lines: end - start + 1});
			}

			ts.forEachChild(node, visit);
		};

		visit(file);
	}

	return units.sort((a, b) => b.lines - a.lines);
}

/** Every file below `directory` (source/ by default) with its line count, longest first. */
export function measureFiles(directory = join(root, 'source')): Sized[] {
	return sourceFiles(directory)
		.map(path => ({name: relative(root, path), lines: readFileSync(path, 'utf8').split('\n').length - 1}))
		.sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
	const count = Number.parseInt(process.argv[2] ?? '10', 10);
	process.stdout.write(`longest units (limit ${unitLimit}):\n`);
	for (const unit of measureUnits().slice(0, count)) {
		process.stdout.write(`  ${String(unit.lines).padStart(4)}  ${unit.name}\n`);
	}

	process.stdout.write(`longest files (limit ${fileLimit}):\n`);
	for (const file of measureFiles().slice(0, count)) {
		process.stdout.write(`  ${String(file.lines).padStart(4)}  ${file.name}\n`);
	}
}
