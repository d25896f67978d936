// Reading a result's description: the endpoint, the session token out of the driver's serialize(),
// and the chunk headers Snowflake asks for (given, or built from the query-result master key).
import assert from 'node:assert/strict';
import { accountUrl, queryResultFrom, sessionTokenOf } from '../../src/engine/source/result/queryResult';

describe('query result description', () => {
  it("uses access_url when set, else the account's own host", () => {
    assert.equal(accountUrl('xy12345.eu-west-1', undefined), 'https://xy12345.eu-west-1.snowflakecomputing.com');
    assert.equal(accountUrl('emu', 'http://127.0.0.1:8787/'), 'http://127.0.0.1:8787');
  });

  it("takes the session token from the driver's serialized state, and says so when there is none", () => {
    assert.equal(sessionTokenOf(JSON.stringify({ services: { sf: { tokenInfo: { sessionToken: 'tok', masterToken: 'm' } } } })), 'tok');
    assert.throws(() => sessionTokenOf(JSON.stringify({ services: { sf: { tokenInfo: {} } } })), /no session token/);
  });

  it('builds the SSE-C chunk headers from qrmk when Snowflake sends no chunkHeaders', () => {
    const result = queryResultFrom('q1', { success: true, data: { rowset: [['a']], chunks: [{ url: 'https://s3/c0', rowCount: 5 }], qrmk: 'KEY', total: 6 } });
    assert.deepEqual(result.chunkHeaders, { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': 'KEY' });
    assert.equal(result.total, 6);
    const given = queryResultFrom('q1', { success: true, data: { chunkHeaders: { 'x-ms-foo': 'bar' }, qrmk: 'KEY' } });
    assert.deepEqual(given.chunkHeaders, { 'x-ms-foo': 'bar' });
    assert.deepEqual([given.rowset, given.chunks, given.total], [[], [], 0]);
  });

  it("throws Snowflake's own error, with its code, for an answer that is one", () => {
    assert.throws(
      () => queryResultFrom('q1', { success: false, code: '000709', message: 'Result for query q1 has expired', data: null }),
      (e: unknown) => (e as { code?: string }).code === '000709' && /has expired/.test((e as Error).message),
    );
  });

  it('refuses a result in a format other than JSON, naming it', () => {
    assert.throws(() => queryResultFrom('q1', { success: true, data: { queryResultFormat: 'arrow', rowset: [] } }), /in arrow format; Thaw reads JSON/);
    assert.equal(queryResultFrom('q1', { success: true, data: { queryResultFormat: 'json' } }).total, 0);
  });
});
