// Reads the text of config.json with jsonc-parser (the parser VS Code uses) rather than JSON.parse
// alone, because it tells where things are: a syntax error and every later problem get a line and
// column that the CLI prints and the extension turns into a squiggle.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigIssue } from '../errors';

export type JsonPathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

export type ParsedJson = { ok: true; value: unknown; tree: Node } | { ok: false; issues: ConfigIssue[] };

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a "quoted" key',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

export function parseJsonText(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !tree) {
    const offset = first?.offset ?? 0;
    const message = text.trim() === '' ? 'the file is empty' : first ? syntaxMessage(text, first) : 'expected a value';
    const at = positionAt(text, offset);
    return { ok: false, issues: [{ path: '', message: `invalid JSON: ${message}`, ...at }] };
  }
  const duplicates = duplicateKeys(tree, text);
  if (duplicates.length) return { ok: false, issues: duplicates };
  // JSON.parse builds the value: it treats a `__proto__` key as plain data, unlike an assignment.
  return { ok: true, value: JSON.parse(text), tree };
}

function syntaxMessage(text: string, error: ParseError): string {
  const code = printParseErrorCode(error.error);
  const before = text.slice(0, error.offset).trimEnd();
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && before.endsWith(',') && /^[}\]]/.test(text.slice(error.offset))) {
    return 'trailing comma';
  }
  return SYNTAX_MESSAGES[code] ?? code;
}

/** JSON.parse would silently keep the last of two equal keys, hiding the first from the user. */
function duplicateKeys(root: Node, text: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (node: Node, path: JsonPathSegment[]) => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || typeof key.value !== 'string') continue;
        if (seen.has(key.value)) {
          issues.push({ path: formatPath([...path, key.value]), message: 'appears twice in the same object', ...positionAt(text, key.offset) });
        }
        seen.add(key.value);
        if (value) visit(value, [...path, key.value]);
      }
    } else if (node.type === 'array') {
      node.children?.forEach((child, i) => visit(child, [...path, i]));
    }
  };
  visit(root, []);
  return issues;
}

/**
 * Where a path points in the text: the value when it exists, else the nearest enclosing value that
 * does (a missing key points at the object that lacks it). With `key`, the property's name instead.
 */
export function positionOfPath(text: string, tree: Node, path: readonly JsonPathSegment[], key = false): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as JsonPathSegment[]);
    if (!node) continue;
    const keyNode = key && n === path.length && typeof path[n - 1] === 'string' ? node.parent?.children?.[0] : undefined;
    return positionAt(text, (keyNode ?? node).offset);
  }
  return positionAt(text, tree.offset);
}

export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `tables[0].split_column`; keys that are not plain names are quoted: `column_types["Visit Date"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
