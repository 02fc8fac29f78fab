import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { type AtomicFileSystem, NODE_FILE_SYSTEM } from './atomic-file-system.js';
import { errorCode } from './describe-fs-error.js';

// A file is written whole or not at all: into `<file>.<pid>.<random>.tmp`, fsynced, then renamed (or linked, when
// it must not replace an existing file) over the target. A failed write (ENOSPC, EIO) removes its temp file, and
// removeOrphanTemps() clears the ones a crash (kill -9, power loss) left behind.

export interface AtomicWriteOptions {
  /** File mode of a new file (default 0o644 minus umask). */
  mode?: number;
  /** Fail with EEXIST instead of replacing an existing file (link, not rename). */
  exclusive?: boolean;
  fs?: AtomicFileSystem;
}

const TEMP_SUFFIX = '.tmp';

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}

async function removeQuietly(fs: AtomicFileSystem, file: string): Promise<void> {
  await fs.unlink(file).catch(() => undefined);
}

export async function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? NODE_FILE_SYSTEM;
  const temp = tempName(file);
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await fs.link(temp, file);
    else await fs.rename(temp, file);
  } finally {
    // After a rename the temp name is gone (ENOENT, ignored); after a link or a failure it must go.
    await removeQuietly(fs, temp);
  }
}

/** Whether process `pid` still runs (EPERM: it runs as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Removes `<file>.<pid>.<random>.tmp` files whose writer is no longer running; returns how many. Call it at start,
 * before this process writes `file`: temps with our own pid are then a previous process's (pid 1 in a container
 * every time), while another hub sharing the directory and writing right now keeps its temp file.
 */
export async function removeOrphanTemps(file: string, fs: AtomicFileSystem = NODE_FILE_SYSTEM): Promise<number> {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dirname(file));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) continue;
    await removeQuietly(fs, join(dirname(file), name));
    removed++;
  }
  return removed;
}
