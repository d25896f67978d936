import assert from 'node:assert/strict';
import { formatCount, formatDuration } from '../../../src/views/format';

describe('views: how numbers read', () => {
  it('shortens counts and rates the way people say them', () => {
    assert.equal(formatCount(950), '950');
    assert.equal(formatCount(12_345), '12.3k');
    assert.equal(formatCount(3_400_000), '3.4M');
    assert.equal(formatCount(272_000_000), '272M');
  });

  it('writes durations as h/m/s', () => {
    assert.equal(formatDuration(11_520), '3h12m');
    assert.equal(formatDuration(281), '4m41s');
    assert.equal(formatDuration(23), '23s');
    assert.equal(formatDuration(2 * 86_400 + 3600), '2d1h');
  });
});
