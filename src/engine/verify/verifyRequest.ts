// `verify/run` of the protocol: `thaw verify` for a host (the editor), over the tables of a run,
// one table, or the whole config. Each range measured becomes a `verify/progress` event; the
// answer is the result as stored, the same shape `verify/result` reads back later.
import { Events, type VerifyResult } from '../../protocol/engine';
import type { Emit } from '../emit';
import type { Session } from '../session';
import { readTableSummaries } from '../state';
import { readVerification } from './readVerification';
import { verifyTables } from './verifyTables';

export async function verifyForHost(session: Session, params: { runId?: string; table?: string }, emit: Emit): Promise<VerifyResult> {
  const runId = params.runId ?? null;
  let names = params.table === undefined ? undefined : [params.table];
  if (params.runId !== undefined && params.table === undefined) {
    names = (await readTableSummaries(session.pool, session.statusSchema, params.runId)).map((t) => `${t.targetSchema}.${t.targetTable}`);
  }
  const verification = await verifyTables(session, {
    tables: names,
    onProgress: (p) => emit(Events.verifyProgress, { configPath: session.configPath, runId, ...p }),
  });
  emit(Events.verifyFinished, { configPath: session.configPath, runId, verifyId: verification.verifyId, equal: verification.equal });
  const stored = await readVerification(session.pool, session.statusSchema, { configHash: session.configHash, verifyId: verification.verifyId });
  if (!stored) throw new Error(`verification ${verification.verifyId} was stored but cannot be read back`);
  return stored;
}
