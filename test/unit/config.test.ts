import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { checkConfig, loadConfig, parseConfig } from '../../src/engine/config';
import { ConfigError } from '../../src/engine/errors';
import { load, problems, TEST_ENV, validConfig, type ConfigObject } from './configFixtures';

type Case = {
  kind: string;
  change: (c: ConfigObject) => ConfigObject | string | void;
  env?: Record<string, string | undefined>;
  path: string;
  message: RegExp;
};

const CASES: Case[] = [
  { kind: 'missing required key', change: (c) => void delete c.source.account, path: 'source.account', message: /^is required$/ },
  { kind: 'unknown top-level key, close to a known one', change: (c) => void (c.paralel_threads = 8), path: 'paralel_threads', message: /did you mean "parallel_threads"/ },
  { kind: 'unknown key in camelCase', change: (c) => void (c.batchSize = 8), path: 'batchSize', message: /did you mean "batch_size"/ },
  { kind: 'unknown table key', change: (c) => void (c.tables[0].split_colum = 'X'), path: 'tables[0].split_colum', message: /did you mean "split_column"/ },
  { kind: 'unknown key far from any known one', change: (c) => void (c.target.colour = 'red'), path: 'target.colour', message: /unknown key; expected one of connection_string, host, port/ },
  { kind: 'top-level setting inside a table', change: (c) => void (c.tables[0].parallel_threads = 3), path: 'tables[0].parallel_threads', message: /top-level setting, not a table setting/ },
  { kind: 'table setting at the top level', change: (c) => void (c.split_column = 'X'), path: 'split_column', message: /belongs in each entry of "tables"/ },
  { kind: 'literal password', change: (c) => void (c.source.password = 'hunter2'), path: 'source.password', message: /must not hold the secret itself: write "password": "\$\{env:SNOWFLAKE_PASSWORD\}"/ },
  { kind: 'literal connection string', change: (c) => ({ ...c, target: { connection_string: 'postgres://u:p@h/d' } }), path: 'target.connection_string', message: /write "connection_string": "\$\{env:DATABASE_URL\}"/ },
  { kind: 'malformed reference', change: (c) => void (c.target.password = '${PGPASSWORD}'), path: 'target.password', message: /is not a valid reference: write "password": "\$\{env:PGPASSWORD\}"/ },
  { kind: 'missing environment variable', change: () => undefined, env: { SNOWFLAKE_PASSWORD: 'x' }, path: 'target.password', message: /environment variable PGPASSWORD is not set/ },
  { kind: 'empty environment variable', change: () => undefined, env: { ...TEST_ENV, SNOWFLAKE_PASSWORD: '' }, path: 'source.password', message: /SNOWFLAKE_PASSWORD is not set \(or is empty\)/ },
  { kind: 'wrong type', change: (c) => void (c.batch_size = '25000'), path: 'batch_size', message: /^must be a number, not a string$/ },
  { kind: 'fractional integer', change: (c) => void (c.parallel_threads = 2.5), path: 'parallel_threads', message: /^must be a whole number$/ },
  { kind: 'parallel_threads 0', change: (c) => void (c.parallel_threads = 0), path: 'parallel_threads', message: /^must be at least 1$/ },
  { kind: 'parallel_threads too many', change: (c) => void (c.parallel_threads = 1000), path: 'parallel_threads', message: /^must be at most 256$/ },
  { kind: 'negative batch_size', change: (c) => void (c.batch_size = -5), path: 'batch_size', message: /^must be at least 1$/ },
  { kind: 'too little worker memory', change: (c) => void (c.max_worker_memory_mb = 64), path: 'max_worker_memory_mb', message: /^must be at least 128$/ },
  { kind: 'empty tables', change: (c) => void (c.tables = []), path: 'tables', message: /must list at least one table/ },
  { kind: 'tables not an array', change: (c) => void (c.tables = { source_table: 'X' }), path: 'tables', message: /^must be an array, not an object$/ },
  {
    kind: 'duplicate targets (one by default lower-casing)',
    change: (c) => void c.tables.push({ source_table: 'OTHER', target_schema: 'analytics_dev2', target_table: 'factvisitcallperformance_cr', split_column: 'ID' }),
    path: 'tables[1].target_table',
    message: /loads into analytics_dev2\.factvisitcallperformance_cr like tables\[0\]/,
  },
  { kind: 'upserts without a primary key', change: (c) => void Object.assign(c.tables[0], { insert_only_mode: false, primary_key: undefined }), path: 'tables[0].primary_key', message: /^is required because insert_only_mode is false/ },
  { kind: 'upserts by default without a primary key', change: (c) => void ((c.insert_only_mode = false), delete c.tables[0].primary_key), path: 'tables[0].primary_key', message: /because the top-level insert_only_mode is false/ },
  { kind: 'only one watermark', change: (c) => void (c.tables[0].source_watermark = 'UPDATED_AT'), path: 'tables[0].target_watermark', message: /give both watermarks or neither/ },
  { kind: 'watermarks on an insert-only table', change: (c) => void Object.assign(c.tables[0], { source_watermark: 'UPDATED_AT', target_watermark: 'updated_at' }), path: 'tables[0].source_watermark', message: /needs "insert_only_mode": false/ },
  { kind: 'unknown on_schema_change', change: (c) => void (c.on_schema_change = 'ignore'), path: 'on_schema_change', message: /"fail", "add_columns"/ },
  { kind: 'negative look-back', change: (c) => void (c.tables[0].watermark_lookback_seconds = -5), path: 'tables[0].watermark_lookback_seconds', message: /0/ },
  { kind: 'bad ssl value', change: (c) => void (c.target.ssl = 'always'), path: 'target.ssl', message: /^must be one of "disable", "prefer", "require", "verify-full"$/ },
  { kind: 'bad status_schema identifier', change: (c) => void (c.status_schema = 'Migration-Status'), path: 'status_schema', message: /must be a PostgreSQL identifier/ },
  { kind: 'status_schema too long', change: (c) => void (c.status_schema = 'x'.repeat(64)), path: 'status_schema', message: /at most 63 characters/ },
  { kind: 'two ways to authenticate', change: (c) => void (c.source.private_key_path = 'key.p8'), path: 'source.private_key_path', message: /choose one way to authenticate: password and private_key_path are both set/ },
  { kind: 'no way to authenticate', change: (c) => void delete c.source.password, path: 'source', message: /needs one way to authenticate: password, token or private_key_path/ },
  { kind: 'passphrase without a key', change: (c) => void (c.source.private_key_passphrase = '${env:PASS}'), path: 'source.private_key_passphrase', message: /only means something together with private_key_path/ },
  { kind: 'access_url not http', change: (c) => void (c.source.access_url = 'ftp://example.com'), path: 'source.access_url', message: /must be an http:\/\/ or https:\/\/ URL/ },
  { kind: 'connection_string with host', change: (c) => void (c.target.connection_string = '${env:DATABASE_URL}'), env: { ...TEST_ENV, DATABASE_URL: 'postgres://h/d' }, path: 'target.host', message: /cannot be combined with connection_string/ },
  { kind: 'target without host', change: (c) => void delete c.target.host, path: 'target.host', message: /is required \(or give connection_string instead\)/ },
  { kind: 'misspelt verify key', change: (c) => void (c.tables[0].verify = { colums: ['SCORE'] }), path: 'tables[0].verify.colums', message: /did you mean "columns"/ },
  { kind: 'empty verify.columns', change: (c) => void (c.tables[0].verify = { columns: [] }), path: 'tables[0].verify.columns', message: /must list at least one column/ },
  { kind: 'verify.columns twice', change: (c) => void (c.tables[0].verify = { columns: ['SCORE', 'SCORE'] }), path: 'tables[0].verify.columns[1]', message: /lists SCORE twice/ },
  { kind: 'implausible column type', change: (c) => void (c.tables[0].column_types.SCORE = 'text; DROP TABLE x'), path: 'tables[0].column_types.SCORE', message: /must be a PostgreSQL type name/ },
  { kind: 'column_types key that is not a plain name', change: (c) => void (c.tables[0].column_types['Visit Date'] = 5), path: 'tables[0].column_types["Visit Date"]', message: /must be a string, not an integer/ },
  { kind: 'empty split_column', change: (c) => void (c.tables[0].split_column = ''), path: 'tables[0].split_column', message: /^must not be empty$/ },
  { kind: 'primary key listing a column twice', change: (c) => void (c.tables[0].primary_key = ['A', 'B', 'A']), path: 'tables[0].primary_key[2]', message: /lists A twice/ },
  { kind: 'unload_compression Snowflake has but Thaw does not read', change: (c) => void (c.unload_compression = 'zstd'), path: 'unload_compression', message: /^must be one of "gzip", "none"$/ },
  { kind: 'bad on_nul_character', change: (c) => void (c.tables[0].on_nul_character = 'ignore'), path: 'tables[0].on_nul_character', message: /must be one of "error", "strip"/ },
  { kind: 'connection string that is no URL', change: (c) => ({ ...c, target: { connection_string: '${env:DATABASE_URL}' } }), env: { ...TEST_ENV, DATABASE_URL: 'host=db password=s3cret-value' }, path: 'target.connection_string', message: /DATABASE_URL does not hold a postgres:\/\/user:password@host:port\/database URL/ },
  { kind: 'duplicate JSON key', change: () => '{\n  "batch_size": 1,\n  "batch_size": 2\n}', path: 'batch_size', message: /appears twice in the same object/ },
];

describe('config: invalid configs', () => {
  for (const c of CASES) {
    it(`${c.kind}: ${c.path}`, () => {
      const config = validConfig();
      const changed = c.change(config) ?? config;
      const found = problems(changed, c.env);
      const match = found.find((p) => p.path === c.path);
      assert.ok(match, `no problem at ${c.path}; got ${JSON.stringify(found)}`);
      assert.match(match.message, c.message);
    });
  }

  it('covers at least 15 distinct kinds of mistakes', () => {
    assert.ok(new Set(CASES.map((c) => c.kind)).size >= 15);
  });

  it('reports JSON syntax errors with line and column', () => {
    const text = '{\n  "batch_size": 10,\n  "tables": [],\n}\n';
    const [issue, ...rest] = problems(text);
    assert.deepEqual(rest, []);
    assert.deepEqual(issue, { path: '', message: 'invalid JSON: trailing comma', line: 4, column: 1 });

    const missingComma = problems('{\n  "a": 1\n  "b": 2\n}');
    assert.deepEqual(missingComma, [{ path: '', message: "invalid JSON: expected ','", line: 3, column: 3 }]);
    assert.match(problems('// config\n{}')[0]!.message, /comments are not allowed in JSON/);
    assert.match(problems('')[0]!.message, /the file is empty/);
  });

  it('lists every problem of a file at once, in file order, with positions, in the ConfigError message', () => {
    const config = validConfig();
    config.parallel_threads = 0;
    config.source.password = 'hunter2';
    config.tables[0].split_colum = config.tables[0].split_column;
    delete config.tables[0].split_column;
    const text = JSON.stringify(config, null, 2);
    let error: ConfigError | undefined;
    try {
      load(text, TEST_ENV, 'bad.json');
    } catch (err) {
      error = err as ConfigError;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'bad.json');
    assert.deepEqual(error.issues.map((i) => i.path).sort(), ['parallel_threads', 'source.password', 'tables[0].split_colum', 'tables[0].split_column']);
    const lines = error.issues.map((i) => i.line!);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'issues are in file order');
    const unknown = error.issues.find((i) => i.path === 'tables[0].split_colum')!;
    const offset = text.indexOf('"split_colum"');
    assert.equal(unknown.line, text.slice(0, offset).split('\n').length);
    assert.equal(unknown.column, offset - text.lastIndexOf('\n', offset));
    assert.match(error.message, /^bad\.json: 4 problems\n/);
    assert.match(error.message, /  parallel_threads: must be at least 1 \(line \d+, column \d+\)/);
    assert.equal(error.retryable, false);
  });

  it('never quotes a rejected secret in the error', () => {
    const config = validConfig();
    config.source.password = 'hunter2-literal';
    config.target = { connection_string: 'postgres://loader:pg-literal@db/warehouse' };
    const issues = problems(config);
    const text = JSON.stringify(issues);
    assert.equal(issues.length, 2);
    assert.ok(!text.includes('hunter2-literal') && !text.includes('pg-literal'), text);
  });

  it('loadConfig names a missing file', async () => {
    await assert.rejects(loadConfig('/nonexistent/thaw/config.json'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.issues, [{ path: '', message: 'file not found' }]);
      return true;
    });
  });

  it('checkConfig reports structure problems without needing the secrets', () => {
    assert.deepEqual(checkConfig(JSON.stringify(validConfig())), []);
    const config = validConfig();
    config.batch_size = 0;
    assert.deepEqual(checkConfig(JSON.stringify(config)), [{ path: 'batch_size', message: 'must be at least 1', line: 1, column: checkConfigColumn(config) }]);
  });
});

function checkConfigColumn(config: ConfigObject): number {
  return JSON.stringify(config).indexOf('"batch_size":0') + '"batch_size":'.length + 1;
}

describe('config: valid configs', () => {
  it('applies defaults', () => {
    const { config, file } = load(validConfig());
    assert.equal(file, 'test.json');
    assert.equal(config.source.schema, 'PUBLIC');
    assert.equal(config.source.role, undefined);
    assert.equal(config.status_schema, 'migration_status');
    assert.equal(config.parallel_threads, 4);
    assert.equal(config.batch_size, 25000);
    assert.equal(config.max_worker_memory_mb, 2048);
    assert.equal(config.max_attempts, 5);
    assert.equal(config.consistent_snapshot, true);
    assert.equal(config.target.kind, 'parameters');
    if (config.target.kind !== 'parameters') return;
    assert.equal(config.target.port, 5432);
    assert.equal(config.target.ssl, 'prefer');
    const { name, ...table } = config.tables[0]!;
    assert.equal(name, 'analytics_dev2.factvisitcallperformance_cr');
    assert.deepEqual(table, {
      source_schema: 'PUBLIC',
      source_table: 'FACTVISITCALLPERFORMANCE_CR',
      target_schema: 'analytics_dev2',
      target_table: 'factvisitcallperformance_cr',
      partition_column: 'VISIT_DATE',
      split_column: 'VISIT_ID',
      primary_key: ['VISIT_ID'],
      truncate_onstart: false,
      insert_only_mode: true,
      on_nul_character: 'error',
      source_watermark: null,
      target_watermark: null,
      watermark_lookback_seconds: 0,
      on_schema_change: 'fail',
      column_types: { SCORE: 'double precision' },
      verify_columns: null,
    });
  });

  it('resolves table-level keys over top-level ones', () => {
    const c = validConfig();
    Object.assign(c, { truncate_onstart: true, insert_only_mode: false, on_nul_character: 'strip' });
    c.source.schema = 'RAW';
    c.tables.push({
      source_table: 'DimVisit',
      source_schema: 'STAGING',
      target_schema: 'analytics_dev2',
      split_column: 'ID',
      truncate_onstart: false,
      insert_only_mode: false,
      primary_key: ['ID'],
      on_nul_character: 'error',
      source_watermark: 'UPDATED_AT',
      target_watermark: 'updated_at',
      watermark_lookback_seconds: 3600,
    });
    const [first, second] = load(c).config.tables;
    assert.deepEqual(
      [first!.source_schema, first!.truncate_onstart, first!.insert_only_mode, first!.on_nul_character],
      ['RAW', true, false, 'strip'],
    );
    assert.deepEqual(
      [second!.source_schema, second!.target_table, second!.truncate_onstart, second!.insert_only_mode, second!.on_nul_character, second!.primary_key, second!.partition_column],
      ['STAGING', 'dimvisit', false, false, 'error', ['ID'], null],
    );
    assert.deepEqual([second!.source_watermark, second!.target_watermark, second!.watermark_lookback_seconds], ['UPDATED_AT', 'updated_at', 3600]);
    assert.deepEqual([first!.watermark_lookback_seconds, first!.on_schema_change], [0, 'fail']);
  });

  it('reads host, port and database out of a connection string', () => {
    const c = validConfig();
    c.target = { connection_string: '${env:DATABASE_URL}' };
    const env = { ...TEST_ENV, DATABASE_URL: 'postgresql://loader:s3cret@DB.example.com:6543/warehouse?sslmode=require' };
    const { target } = load(c, env).config;
    assert.equal(target.kind, 'connection_string');
    assert.deepEqual([target.host, target.port, target.database], ['DB.example.com', 6543, 'warehouse']);
    if (target.kind === 'connection_string') assert.equal(target.connection_string.reveal(), env.DATABASE_URL);

    const socket = load(c, { ...env, DATABASE_URL: 'postgresql:///warehouse?host=/var/run/postgresql' }).config.target;
    assert.deepEqual([socket.host, socket.port, socket.database], ['/var/run/postgresql', 5432, 'warehouse']);
  });

  it('authenticates with a token, or a key pair whose path is relative to the config file', async () => {
    const token = validConfig();
    delete token.source.password;
    token.source.token = '${env:SF_TOKEN}';
    const auth = load(token, { ...TEST_ENV, SF_TOKEN: 'tok-123456' }).config.source.auth;
    assert.equal(auth.method, 'token');
    if (auth.method === 'token') assert.equal(auth.token.reveal(), 'tok-123456');

    const dir = await mkdtemp(join(tmpdir(), 'thaw-config-'));
    try {
      const keyPair = validConfig();
      delete keyPair.source.password;
      Object.assign(keyPair.source, { private_key_path: 'keys/rsa_key.p8', private_key_passphrase: '${env:KEY_PASS}' });
      await writeFile(join(dir, 'config.json'), JSON.stringify(keyPair));
      const loaded = await loadConfig(join(dir, 'config.json'), { env: { ...TEST_ENV, KEY_PASS: 'kp-987654' } });
      const kp = loaded.config.source.auth;
      assert.equal(kp.method, 'key_pair');
      if (kp.method !== 'key_pair') return;
      assert.equal(kp.private_key_path, join(dir, 'keys/rsa_key.p8'));
      assert.equal(kp.private_key_passphrase?.reveal(), 'kp-987654');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads examples/config.example.json', async () => {
    const loaded = await loadConfig('examples/config.example.json', { env: TEST_ENV });
    assert.equal(loaded.config.parallel_threads, 20);
    assert.equal(loaded.config.tables[0]!.name, 'analytics_dev2.factvisitcallperformance_cr');
    assert.equal(loaded.config.source.auth.method, 'password');
  });
});

describe('config: secrets', () => {
  const secrets = { SNOWFLAKE_PASSWORD: 'sf-pass-Zq81!x', PGPASSWORD: 'pg-pass-Ww52?y', DATABASE_URL: 'postgres://loader:url-pass-Kk33@db/warehouse', KEY_PASS: 'kp-pass-Ll44' };

  function shownForms(value: unknown): string[] {
    return [JSON.stringify(value), inspect(value, { depth: Infinity, showHidden: true }), `${String(value)}`];
  }

  it('do not appear when a loaded config is logged', () => {
    const a = load(validConfig(), secrets);
    const b = validConfig();
    delete b.source.password;
    Object.assign(b.source, { private_key_path: 'k.p8', private_key_passphrase: '${env:KEY_PASS}' });
    b.target = { connection_string: '${env:DATABASE_URL}' };
    const loaded = [a, load(b, secrets)];
    for (const form of loaded.flatMap(shownForms)) {
      for (const secret of Object.values(secrets)) assert.ok(!form.includes(secret), `leaked ${secret} in ${form}`);
      assert.ok(!form.includes('url-pass'), form);
    }
    assert.match(JSON.stringify(a.config.source.auth), /"password":"\*\*\*"/);
    assert.match(inspect(a.config.target), /password: \*\*\*/);
    const auth = a.config.source.auth;
    assert.equal(auth.method === 'password' && `${auth.password}`, '***');
    assert.equal(auth.method === 'password' && auth.password.reveal(), secrets.SNOWFLAKE_PASSWORD);
    assert.equal(auth.method === 'password' && auth.password.variable, 'SNOWFLAKE_PASSWORD');
  });

  it('are read from process.env when no env is given', () => {
    process.env.THAW_TEST_SF_PASSWORD = 'from-process-env';
    try {
      const c = validConfig();
      c.source.password = '${env:THAW_TEST_SF_PASSWORD}';
      delete c.target.password;
      const auth = parseConfig(JSON.stringify(c)).config.source.auth;
      assert.equal(auth.method === 'password' && auth.password.reveal(), 'from-process-env');
    } finally {
      delete process.env.THAW_TEST_SF_PASSWORD;
    }
  });
});
