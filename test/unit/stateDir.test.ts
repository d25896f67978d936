// Where Thaw writes its own files (the driver's log): beside the config, or THAW_STATE_DIR when
// the config sits on a read-only mount (a Kubernetes ConfigMap, a `docker run -v …:ro`).
import assert from 'node:assert/strict';
import { stateDirFor } from '../../src/engine/session';

describe('the state directory', () => {
  it('is .thaw beside the config by default', () => {
    assert.equal(stateDirFor('/etc/thaw/config.json', {}), '/etc/thaw/.thaw');
  });

  it('is THAW_STATE_DIR when set, whatever the config path', () => {
    assert.equal(stateDirFor('/etc/thaw/config.json', { THAW_STATE_DIR: '/home/node/.thaw' }), '/home/node/.thaw');
  });
});
