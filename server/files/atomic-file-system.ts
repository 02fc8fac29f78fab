import * as fsPromises from 'node:fs/promises';

/** The file operations atomic writes use; injectable so tests can make a write fail (ENOSPC) without a full disk. */
export type AtomicFileSystem = Pick<
  typeof fsPromises,
  'open' | 'rename' | 'link' | 'unlink' | 'readdir' | 'readFile' | 'mkdir'
>;

export const NODE_FILE_SYSTEM: AtomicFileSystem = fsPromises;
