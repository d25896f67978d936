// Reading a config: text → JSON → schema → resolved secrets. Every step reports all the problems
// it finds at once, as one ConfigError, so a user fixes a file in one pass rather than one error
// per attempt.

import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors';
import { configErrorMap, toConfigIssues } from './issues';
import { parseJsonText, positionOfPath } from './jsonText';
import { configHash, configIdentity, type ConfigIdentity } from './hash';
import { resolveConfig, type Env, type ResolvedConfig } from './resolve';
import { configSchema, type ThawConfig } from './schema';

export interface ParseConfigOptions {
  /** Names the config in messages; a relative private_key_path is relative to its directory. */
  file?: string;
  /** Where `${env:NAME}` references are looked up; process.env by default. */
  env?: Env;
  /** false: the source's secrets are not needed (see ResolveOptions.sourceSecrets). */
  sourceSecrets?: boolean;
}

const IN_MEMORY = '<config>';

export interface LoadedConfig {
  /** The file it was read from, or the name given to parseConfig. */
  file: string;
  config: ResolvedConfig;
  /** configHash(config): what a run records, and what resume compares. */
  hash: string;
  /** What the hash covers, safe to store beside it (see describeIdentityChanges). */
  identity: ConfigIdentity;
}

export async function loadConfig(path: string, options: Omit<ParseConfigOptions, 'file'> = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(path, [{ path: '', message }]);
  }
  return parseConfig(text, { ...options, file: path });
}

/** Parses config text (or an already-parsed JSON value) and resolves its secrets; throws ConfigError. */
export function parseConfig(json: string | unknown, options: ParseConfigOptions = {}): LoadedConfig {
  const file = options.file ?? IN_MEMORY;
  const checked = validate(json);
  if (!checked.ok) throw new ConfigError(file, checked.issues);
  const resolved = resolveConfig(checked.config, {
    env: options.env ?? process.env,
    baseDir: options.file ? dirname(resolvePath(options.file)) : process.cwd(),
    sourceSecrets: options.sourceSecrets,
  });
  // Resolution problems are about keys of the source or target (`target.password`): plain dotted paths.
  if (!resolved.ok) throw new ConfigError(file, resolved.issues.map((i) => (checked.locate ? { ...i, ...checked.locate(i.path.split('.'), false) } : i)));
  const identity = configIdentity(resolved.config);
  return { file, config: resolved.config, hash: configHash(resolved.config), identity };
}

/**
 * The problems of a config without resolving its secrets: what an editor shows while the user
 * types, where the secrets are not in this process's environment.
 */
export function checkConfig(json: string | unknown): ConfigIssue[] {
  const checked = validate(json);
  return checked.ok ? [] : checked.issues;
}

type Locate = (path: (string | number)[], key: boolean) => { line: number; column: number };
type Validated = { ok: true; config: ThawConfig; locate: Locate | undefined } | { ok: false; issues: ConfigIssue[] };

function validate(json: string | unknown): Validated {
  let value = json;
  let locate: Locate | undefined;
  if (typeof json === 'string') {
    const parsed = parseJsonText(json);
    if (!parsed.ok) return parsed;
    value = parsed.value;
    locate = (path, key) => positionOfPath(json, parsed.tree, path, key);
  }
  const result = configSchema.safeParse(value, { error: configErrorMap });
  if (result.success) return { ok: true, config: result.data, locate };
  const issues = toConfigIssues(configSchema, result.error.issues, locate);
  // In file order, as an editor would list them (sort is stable: same place keeps zod's order).
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { ok: false, issues };
}
