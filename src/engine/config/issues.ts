// Turns zod's issues into the problems a user reads: a JSON path in the user's own key names, a
// plain reason, and for a misspelt key the key that was probably meant.

import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { closestName } from '../suggest';
import { formatPath } from './jsonText';

const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** Messages for zod's generic checks; checks with a message of their own keep it. */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return 'must be a finite number (JSON reads a number this large as infinity)';
      if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be a whole number';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') return `must be at least ${issue.minimum}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') return `must be at most ${issue.maximum}`;
      return undefined;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
};

/** Finds where a path is in the file: the property's name with `key`, else its value. */
export type Locate = (path: (string | number)[], key: boolean) => { line: number; column: number } | undefined;

export function toConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], locate?: Locate): ConfigIssue[] {
  const at = (path: (string | number)[], key: boolean) => locate?.(path, key) ?? {};
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        message: unknownKeyMessage(schema, path, key),
        ...at([...path, key], true),
      }));
    }
    return [{ path: formatPath(path), message: issue.message, ...at(path, false) }];
  });
}

function unknownKeyMessage(schema: z.ZodType, objectPath: readonly PropertyKey[], key: string): string {
  const known = keysOfObjectAt(schema, objectPath);
  const suggestion = closestName(key, known);
  if (suggestion) return `unknown key; did you mean "${suggestion}"?`;
  const rootKeys = keysOfObjectAt(schema, []);
  const tableKeys = keysOfObjectAt(schema, ['tables', 0]);
  if (objectPath[0] === 'tables' && rootKeys.includes(key)) return 'unknown key: this is a top-level setting, not a table setting';
  if (objectPath.length === 0 && tableKeys.includes(key)) return 'unknown key at the top level: this belongs in each entry of "tables"';
  return `unknown key; expected one of ${known.join(', ')}`;
}

/** The keys of the object schema a path leads to, looking through optional/default/array wrappers. */
function keysOfObjectAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') current = current.shape[segment] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray && typeof segment === 'number') current = current.element as z.ZodType;
    else return [];
    current = current && unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}
