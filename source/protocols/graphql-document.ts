/*
What kind of operation a line runs (query, mutation or subscription), read from its document's
top level without a GraphQL parser (wsterm does not ship one): the keyword that opens each
operation, skipping selections, arguments, strings, comments and directives. Only subscriptions
stream results, so only they need telling apart when several run at once (graphql-ws.ts).
*/
import type {Subscribe} from './graphql-dialects.js';

export type OperationKind = 'query' | 'mutation' | 'subscription';

type Operation = {readonly kind: OperationKind; name?: string};

/** The tokens that matter at the top level; anything else is one character skipped. */
const token = /#[^\n\r]*|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|"(?:[^"\\\n\r]|\\.)*"|[{}()[\]@]|[_A-Za-z]\w*|[\s\S]/g;

/** The kind of the operation a payload runs: its document's only one, or the one operationName names; undefined when the document has none such. */
export function operationKind({query, operationName}: Subscribe): OperationKind | undefined {
	const operations = topLevelOperations(query);
	const chosen = operationName === undefined || operationName === null
		? operations[0]
		: operations.find(operation => operation.name === operationName);
	return chosen?.kind;
}

function topLevelOperations(document: string): Operation[] {
	const operations: Operation[] = [];
	let depth = 0;
	/** A definition's keyword was read and its selection set has not opened yet. */
	let heading: Operation | 'fragment' | undefined;
	let afterAt = false;
	for (const [text] of document.matchAll(token)) {
		if (text === '{' || text === '(' || text === '[') {
			if (depth === 0 && text === '{') {
				if (heading === undefined) {
					// `{ hello }`: a query's short form.
					operations.push({kind: 'query'});
				}

				heading = undefined;
			}

			depth++;
		} else if (text === '}' || text === ')' || text === ']') {
			depth = Math.max(0, depth - 1);
		} else if (depth === 0 && /^[_A-Za-z]/.test(text)) {
			if (afterAt) {
				// A directive's name.
				afterAt = false;
			} else if (heading === undefined) {
				heading = text === 'query' || text === 'mutation' || text === 'subscription' ? {kind: text} : 'fragment';
				if (heading !== 'fragment') {
					operations.push(heading);
				}
			} else if (heading !== 'fragment' && heading.name === undefined) {
				heading.name = text;
			}
		} else if (depth === 0 && text === '@') {
			afterAt = true;
		}
	}

	return operations;
}
