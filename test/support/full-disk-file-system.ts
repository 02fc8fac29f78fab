import { type AtomicFileSystem, NODE_FILE_SYSTEM } from '../../server/files/atomic-file-system.js';

/** The real file system, except that writing into an opened file fails as on a full disk (ENOSPC). */
export const FULL_DISK_FILE_SYSTEM: AtomicFileSystem = {
  ...NODE_FILE_SYSTEM,
  async open(...args: Parameters<AtomicFileSystem['open']>) {
    const handle = await NODE_FILE_SYSTEM.open(...args);
    return Object.assign(Object.create(handle) as typeof handle, {
      writeFile: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    });
  },
};
