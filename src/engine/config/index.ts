// Thaw's config.json: read, validate, resolve secrets, hash.
export { loadConfig, parseConfig, checkConfig, type LoadedConfig, type ParseConfigOptions } from './load';
export {
  configSchema,
  SSL_MODES,
  NUL_POLICIES,
  type ThawConfig,
  type ThawConfigInput,
  type SourceConfig,
  type TargetConfig,
  type TableConfig,
  type SslMode,
  type NulPolicy,
} from './schema';
export type { Env, ResolvedConfig, ResolvedSource, ResolvedTarget, ResolvedTable, SourceAuth } from './resolve';
export { Secret, REDACTED } from './secret';
export {
  configHash,
  configIdentity,
  hashIdentity,
  describeIdentityChanges,
  type ConfigIdentity,
  type TableIdentity,
} from './hash';
export { configJsonSchemaText, JSON_SCHEMA_FILE } from './jsonSchema';
