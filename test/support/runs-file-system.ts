import * as fsPromises from 'node:fs/promises';
import type { RunFileSystem } from '../../server/runs/index.js';

/** The real file system, except that writes fail as on a full disk (ENOSPC) while `full` is true. */
export function createSwitchableFullDisk(): { fs: RunFileSystem; setFull(full: boolean): void } {
  let full = false;
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const fs: RunFileSystem = {
    ...fsPromises,
    async open(...args: Parameters<RunFileSystem['open']>) {
      const handle = await fsPromises.open(...args);
      const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      return Object.assign(Object.create(handle) as typeof handle, {
        write: (...a: unknown[]) => (full ? Promise.reject(enospc()) : write(...a)),
        read: handle.read.bind(handle),
        sync: () => handle.sync(),
        close: () => handle.close(),
        stat: () => handle.stat(),
      });
    },
  };
  return { fs, setFull: (value) => (full = value) };
}
