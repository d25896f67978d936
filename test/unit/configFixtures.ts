// Builders for config tests: a valid config as a plain object that each test changes in the one
// place it is about.

import { ConfigError, type ConfigIssue } from '../../src/engine/errors';
import { parseConfig, type LoadedConfig } from '../../src/engine/config';

export const TEST_ENV = {
  SNOWFLAKE_PASSWORD: 'sf-pass-Zq81!x',
  PGPASSWORD: 'pg-pass-Ww52?y',
};

// Loose on purpose: tests put wrong types and unknown keys into it.
export type ConfigObject = Record<string, any>;

export function validConfig(): ConfigObject {
  return {
    $schema: '../schema/thaw-config.schema.json',
    source: {
      account: 'xy12345.us-east-1',
      username: 'LOADER',
      warehouse: 'MIGRATION_WH',
      database: 'ANALYTICS',
      password: '${env:SNOWFLAKE_PASSWORD}',
    },
    target: {
      host: 'localhost',
      database: 'warehouse',
      user: 'loader',
      password: '${env:PGPASSWORD}',
    },
    tables: [
      {
        source_table: 'FACTVISITCALLPERFORMANCE_CR',
        target_schema: 'analytics_dev2',
        partition_column: 'VISIT_DATE',
        split_column: 'VISIT_ID',
        primary_key: ['VISIT_ID'],
        column_types: { SCORE: 'double precision' },
      },
    ],
  };
}

export function load(config: ConfigObject | string, env: Record<string, string | undefined> = TEST_ENV, file = 'test.json'): LoadedConfig {
  return parseConfig(typeof config === 'string' ? config : JSON.stringify(config, null, 2), { file, env });
}

/** The problems a config has; fails when it has none or when the error is not a ConfigError. */
export function problems(config: ConfigObject | string, env: Record<string, string | undefined> = TEST_ENV): ConfigIssue[] {
  try {
    load(config, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected the config to be rejected, but it loaded');
}
