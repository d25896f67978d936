// The built engine worker (dist/worker.cjs) behind a real EngineClient, as the extension keeps one.
import { join } from 'node:path';
import { EngineClient } from '../../src/engine/worker/client';

export const WORKER = join(process.cwd(), 'dist', 'worker.cjs');

/** `env` is the worker process's whole environment (secrets can follow by worker/setEnv). */
export function startWorker(env: NodeJS.ProcessEnv = process.env): EngineClient {
  return new EngineClient({ workerPath: WORKER, env });
}

/** Lets the worker go and waits until it has. */
export async function stopWorker(client: EngineClient | undefined): Promise<void> {
  if (!client) return;
  client.shutdown();
  await client.waitForExit();
}
