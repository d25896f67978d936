// The files on the stages of an emulator started with this `spoolDir`: what an unload left behind.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function stageFilesIn(spoolDir: string): Promise<string[]> {
  const entries = await readdir(join(spoolDir, 'stages'), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
