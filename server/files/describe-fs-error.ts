// File errors worded for the operator: what failed, the OS code, and what to do about it.

const ADVICE: Readonly<Record<string, string>> = Object.freeze({
  ENOSPC: 'the disk is full: free space on it, or point DATA_DIR (--data-dir) at another disk',
  EDQUOT: 'the disk quota is used up: free space, or point DATA_DIR (--data-dir) at another disk',
  EROFS: 'the file system is read-only: point DATA_DIR (--data-dir) at a writable directory',
  EACCES: 'permission denied: make DATA_DIR (--data-dir) writable by the user running the hub',
  EPERM: 'operation not permitted: make DATA_DIR (--data-dir) writable by the user running the hub',
  ENOTDIR: 'part of the path is a file, not a directory: point DATA_DIR (--data-dir) at a directory',
});

export function errorCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** "cannot write the operator token to /x/y: ENOSPC — the disk is full: free space …" */
export function describeFsError(action: string, file: string, error: unknown): string {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const advice = code !== null && Object.hasOwn(ADVICE, code) ? ADVICE[code] : 'check the data directory';
  return `${action} ${file}: ${code ?? detail} — ${advice}${code !== null ? ` (${detail})` : ''}`;
}
