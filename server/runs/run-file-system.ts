import * as fsPromises from 'node:fs/promises';

/** The file operations run files use; injectable so tests can make writes fail (ENOSPC) without a full disk. */
export type RunFileSystem = Pick<
  typeof fsPromises,
  'open' | 'rename' | 'unlink' | 'readdir' | 'stat' | 'mkdir' | 'readFile' | 'writeFile' | 'link'
>;

export const NODE_RUN_FILE_SYSTEM: RunFileSystem = fsPromises;
