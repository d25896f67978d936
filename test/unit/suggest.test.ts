import assert from 'node:assert/strict';
import { closestName, didYouMean } from '../../src/engine/suggest';

describe('did you mean', () => {
  it('finds the same letters in another case or spelling style first', () => {
    assert.equal(closestName('batchSize', ['batch_size', 'parallel_threads']), 'batch_size');
    assert.equal(closestName('factvisitcallperformance_cr', ['FACTVISITCALLPERFORMANCE_CR', 'DIM_DATE']), 'FACTVISITCALLPERFORMANCE_CR');
  });

  it('suggests a close typo, within a third of the name, and nothing for a name far from all', () => {
    assert.equal(closestName('paralel_threads', ['parallel_threads', 'batch_size']), 'parallel_threads');
    assert.equal(closestName('DAYS', ['DAY', 'ID']), 'DAY');
    assert.equal(closestName('SCORES', ['SCORE', 'NAME']), 'SCORE');
    assert.equal(closestName('AB', ['ID', 'XY']), undefined, 'two letters away from a two-letter name is not a typo');
    assert.equal(closestName('CUSTOMERS', ['ORDERS', 'ITEMS']), undefined);
    assert.equal(closestName('X', []), undefined);
  });

  it('words the suggestion once, for every caller', () => {
    assert.equal(didYouMean('VISIT_DTE', ['VISIT_DATE', 'VISIT_ID']), ' (did you mean "VISIT_DATE"?)');
    assert.equal(didYouMean('NOTHING_LIKE_IT', ['VISIT_DATE']), '');
  });
});
