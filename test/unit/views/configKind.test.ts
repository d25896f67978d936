import assert from 'node:assert/strict';
import { checkConfig } from '../../../src/engine/config';
import { isThawConfig, secretReferences, starterConfig, THAW_SCHEMA_URI } from '../../../src/views/configKind';

describe('views: which files are Thaw configs', () => {
  it('takes every *.thaw.json, and a config.json only when its $schema names Thaw’s schema', () => {
    assert.equal(isThawConfig('/w/dev2.thaw.json', undefined), true);
    assert.equal(isThawConfig('/w/config.json', JSON.stringify({ $schema: THAW_SCHEMA_URI })), true);
    assert.equal(isThawConfig('/w/config.json', '{ // jsonc\n "$schema": "../schema/thaw-config.schema.json" }'), true);
    assert.equal(isThawConfig('/w/config.json', JSON.stringify({ $schema: 'https://json.schemastore.org/other.json', name: 'x' })), false);
    assert.equal(isThawConfig('/w/config.json', '{"compilerOptions": {}}'), false);
    assert.equal(isThawConfig('/w/config.json', 'not json'), false);
    assert.equal(isThawConfig('/w/settings.json', JSON.stringify({ $schema: THAW_SCHEMA_URI })), false);
  });

  it('finds the ${env:NAME} each side’s secret reads', () => {
    const text = JSON.stringify({
      source: { password: '${env:SF_PASS}' },
      target: { connection_string: '${env:PG_URL}', password: 'not-a-reference' },
    });
    assert.deepEqual(secretReferences(text, 'source'), [{ path: 'source.password', name: 'SF_PASS' }]);
    assert.deepEqual(secretReferences(text, 'target'), [{ path: 'target.connection_string', name: 'PG_URL' }]);
  });

  it('writes a starter config that is a Thaw config and passes the engine’s own validation', () => {
    const text = starterConfig();
    assert.equal(isThawConfig('/w/config.json', text), true);
    assert.deepEqual(checkConfig(text), []);
    assert.deepEqual(secretReferences(text, 'source').map((r) => r.name), ['SNOWFLAKE_PASSWORD']);
    assert.deepEqual(secretReferences(text, 'target').map((r) => r.name), ['PGPASSWORD']);
  });
});
