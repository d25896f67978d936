// What makes a JSON file a Thaw config, the starter config, and the `${env:NAME}` secrets a config
// refers to. Pure (no vscode import): unit-tested in plain Node.
import { basename } from 'node:path';
import { getNodeValue, parseTree, findNodeAtLocation } from 'jsonc-parser';

/**
 * The `$schema` a Thaw config names. The extension serves this URI itself (a content provider for
 * the `thaw` scheme), so VS Code's JSON language service validates and completes exactly the
 * files that name it, with no `json.schemas` entry in anyone's settings and no effect on other
 * projects' config.json files.
 */
export const THAW_SCHEMA_URI = 'thaw://schema/thaw-config.schema.json';
export const THAW_SCHEMA_SCHEME = 'thaw';
const SCHEMA_FILE_NAME = 'thaw-config.schema.json';

/** A `*.thaw.json` file, or a `config.json` whose `$schema` names Thaw's schema (the URI or a path to the file). */
export function isThawConfig(fileName: string, text: string | undefined): boolean {
  const name = basename(fileName);
  if (name.endsWith('.thaw.json')) return true;
  if (name !== 'config.json' || text === undefined) return false;
  const schema = rootString(text, '$schema');
  return schema !== undefined && (schema === THAW_SCHEMA_URI || schema.replace(/\\/g, '/').endsWith(`/${SCHEMA_FILE_NAME}`) || schema === SCHEMA_FILE_NAME);
}

export type SecretSide = 'source' | 'target';

/** The keys of each side that hold secrets, as the config schema names them. */
const SECRET_KEYS: Record<SecretSide, readonly string[]> = {
  source: ['password', 'token', 'private_key_passphrase'],
  target: ['password', 'connection_string'],
};

export interface SecretReference {
  /** JSON path, e.g. `source.password`. */
  path: string;
  /** The environment variable it reads. */
  name: string;
}

/** The `${env:NAME}` references of one side of a config. */
export function secretReferences(text: string, side: SecretSide): SecretReference[] {
  const tree = parseTree(text);
  if (!tree) return [];
  const refs: SecretReference[] = [];
  for (const key of SECRET_KEYS[side]) {
    const node = findNodeAtLocation(tree, [side, key]);
    const value = node ? getNodeValue(node) : undefined;
    const m = typeof value === 'string' ? /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value) : null;
    if (m) refs.push({ path: `${side}.${key}`, name: m[1]! });
  }
  return refs;
}

/** A top-level string value of a JSON(C) text, or undefined. */
export function rootString(text: string, key: string): string | undefined {
  const tree = parseTree(text);
  const node = tree ? findNodeAtLocation(tree, [key]) : undefined;
  const value = node ? getNodeValue(node) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** What "Migration: Create Config" writes: every required key, secrets as `${env:NAME}` references. */
export function starterConfig(): string {
  const config = {
    $schema: THAW_SCHEMA_URI,
    source: {
      account: 'xy12345.us-east-1',
      username: 'LOADER',
      warehouse: 'MIGRATION_WH',
      database: 'ANALYTICS',
      schema: 'PUBLIC',
      role: 'LOADER_ROLE',
      password: '${env:SNOWFLAKE_PASSWORD}',
    },
    target: {
      host: 'localhost',
      port: 5432,
      database: 'warehouse',
      user: 'loader',
      password: '${env:PGPASSWORD}',
      ssl: 'prefer',
    },
    parallel_threads: 4,
    batch_size: 25000,
    tables: [
      {
        source_table: 'MY_TABLE',
        target_schema: 'analytics',
        split_column: 'ID',
        primary_key: ['ID'],
        truncate_onstart: false,
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
