// Named internal stages of the emulator: their files live on disk under the emulator's spool
// directory, and GET_PRESIGNED_URL hands out expiring tokens that the HTTP server resolves to a
// file (stageHttp.ts). One database is emulated, so a stage is known by its name alone.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { SnowflakeSqlError } from '../db/sqlErrors';

export interface StagedFile {
  /** Path inside the stage, `/`-separated, e.g. `run/7/1/data_0_0_0.csv.gz`. */
  path: string;
  size: number;
  lastModified: Date;
}

interface Stage {
  name: string;
  dir: string;
  /** Presigned URLs need server-side encryption; the default (client-side) cannot be read that way. */
  serverSideEncryption: boolean;
}

interface PresignedFile {
  file: string;
  expiresAt: number;
}

export class StageStore {
  private readonly stages = new Map<string, Stage>();
  private readonly presigned = new Map<string, PresignedFile>();

  constructor(private readonly root: string) {}

  async create(name: string, serverSideEncryption: boolean, ifNotExists: boolean): Promise<void> {
    await mkdir(join(this.root, '..', 'stage-tmp'), { recursive: true });
    const key = name.toUpperCase();
    if (this.stages.has(key)) {
      if (ifNotExists) return;
      throw new SnowflakeSqlError(`SQL compilation error: Object '${name}' already exists.`, '002002', '42710');
    }
    const dir = join(this.root, `${this.stages.size}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    this.stages.set(key, { name, dir, serverSideEncryption });
  }

  async drop(name: string, ifExists: boolean): Promise<void> {
    const stage = this.stages.get(name.toUpperCase());
    if (!stage) {
      if (ifExists) return;
      throw this.missing(name);
    }
    this.stages.delete(name.toUpperCase());
    await rm(stage.dir, { recursive: true, force: true });
  }

  /** Where a file of the stage is written (its folders created). */
  async fileForWrite(name: string, path: string): Promise<string> {
    const file = this.fileOf(this.get(name), path);
    await mkdir(dirname(file), { recursive: true });
    return file;
  }

  /** A fresh path outside every stage, for a file on its way into one. */
  tempFile(): string {
    return join(this.root, '..', 'stage-tmp', randomBytes(8).toString('hex'));
  }

  /** The stage's files whose path starts with `prefix` (plain string prefix, as Snowflake matches). */
  async list(name: string, prefix: string): Promise<StagedFile[]> {
    const stage = this.get(name);
    const files: StagedFile[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else {
          const path = relative(stage.dir, full).split(sep).join('/');
          if (!path.startsWith(prefix)) continue;
          const info = await stat(full);
          files.push({ path, size: info.size, lastModified: info.mtime });
        }
      }
    };
    // Every match lies under the prefix's folder part: a run's many chunk folders are not walked
    // for each chunk's LIST and REMOVE.
    await walk(this.fileOf(stage, prefix.slice(0, prefix.lastIndexOf('/') + 1)));
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The staged file at `path`, if there is one. */
  async file(name: string, path: string): Promise<StagedFile | undefined> {
    const info = await stat(this.fileOf(this.get(name), path)).catch(() => undefined);
    return info?.isFile() ? { path, size: info.size, lastModified: info.mtime } : undefined;
  }

  /** Removes the files under `prefix`, and the folders that leaves empty; returns their paths. */
  async remove(name: string, prefix: string): Promise<string[]> {
    const stage = this.get(name);
    const files = await this.list(name, prefix);
    await Promise.all(files.map((f) => rm(this.fileOf(stage, f.path), { force: true })));
    const folders = new Set(files.map((f) => dirname(this.fileOf(stage, f.path))));
    for (const folder of folders) await this.removeEmptyFolders(stage, folder);
    return files.map((f) => f.path);
  }

  /** Removes `folder` and its parents up to the stage's own folder while they are empty. */
  private async removeEmptyFolders(stage: Stage, folder: string): Promise<void> {
    for (let dir = folder; dir.startsWith(stage.dir + sep); dir = dirname(dir)) {
      // rmdir refuses a folder that still holds something (another chunk's files): stop there.
      if (!(await rmdir(dir).then(() => true, () => false))) return;
    }
  }

  /** A token for GET_PRESIGNED_URL, valid for `seconds`. */
  async presign(name: string, path: string, seconds: number): Promise<string> {
    const stage = this.get(name);
    if (!stage.serverSideEncryption) {
      throw new SnowflakeSqlError(
        `Presigned URLs are not supported on stage ${stage.name}: it was not created with ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')`,
        '091230',
        '0A000',
      );
    }
    const file = this.fileOf(stage, path);
    const token = randomBytes(16).toString('hex');
    this.presigned.set(token, { file, expiresAt: Date.now() + seconds * 1000 });
    return token;
  }

  /** The file behind a presigned token, or why it cannot be served. */
  resolve(token: string): { file: string } | { error: 'expired' | 'unknown' } {
    const entry = this.presigned.get(token);
    if (!entry) return { error: 'unknown' };
    if (entry.expiresAt < Date.now()) return { error: 'expired' };
    return { file: entry.file };
  }

  async dispose(): Promise<void> {
    this.stages.clear();
    this.presigned.clear();
    await rm(this.root, { recursive: true, force: true });
    await rm(join(this.root, '..', 'stage-tmp'), { recursive: true, force: true });
  }

  private get(name: string): Stage {
    const stage = this.stages.get(name.toUpperCase());
    if (!stage) throw this.missing(name);
    return stage;
  }

  private missing(name: string): SnowflakeSqlError {
    return new SnowflakeSqlError(`SQL compilation error: Stage '${name}' does not exist or not authorized.`, '002003', '02000');
  }

  private fileOf(stage: Stage, path: string): string {
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.some((p) => p === '..' || p === '.')) throw new SnowflakeSqlError(`invalid stage path '${path}'`, '001003', '42000');
    return join(stage.dir, ...parts);
  }
}
