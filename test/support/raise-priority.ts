import { getPriority, setPriority } from 'node:os';

/**
 * Best effort: gives `pid` a higher scheduling priority (a negative nice value needs root, as CI and the dev
 * container have) so that a timing test measures the processes under test rather than how the OS shares 2 cores with
 * other test runs. Returns a function that restores the previous priority, or null when it could not be raised.
 */
export function raisePriority(pid: number, priority = -10): (() => void) | null {
  try {
    const before = getPriority(pid);
    setPriority(pid, priority);
    return () => {
      try {
        setPriority(pid, before);
      } catch {
        // The process is gone: nothing to restore.
      }
    };
  } catch {
    return null;
  }
}
