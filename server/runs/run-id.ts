import { randomBytes } from 'node:crypto';
import { RUN_ID_PATTERN } from '@jetdrive-hub/client/contract';

/** `YYYYMMDDTHHMMSSZ-xxxxxx` from the start time (UTC) and 6 random hex digits. */
export function createRunId(startedAt: number): string {
  const iso = new Date(startedAt).toISOString(); // 2026-01-01T12:00:00.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/** "2026-01-01 12-00-00 Pull" style names a human reads in a file list. */
export function defaultRunName(startedAt: number, reason: string): string {
  const iso = new Date(startedAt).toISOString();
  return `${reason === 'manual' ? 'Recording' : 'Pull'} ${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
