import { createLogger } from '../log.js';
import { addressText, type GuardedSource, type SourceGuard } from './create-source-guard.js';
import { hostHex } from './pick-host-id.js';
import type { NodeCounters } from './types.js';

const log = createLogger('jetdrive');

export interface SourceCheckedProvider extends GuardedSource {
  readonly hostId: number;
  name: string;
  /** Known to the sink (it has seen the provider), so a conflict can be reported there. */
  announced: boolean;
}

/**
 * Applies the source guard's verdict for one frame: logs a move, counts a conflict by action and, when the guard
 * says it is time, logs it and tells the sink (a `provider:conflict` event). False when the frame must be discarded.
 */
export function acceptSource<P extends SourceCheckedProvider>(
  guard: SourceGuard,
  counters: NodeCounters,
  onConflict: (p: P) => void,
  p: P,
  from: { address: string; port: number },
  now: number,
): boolean {
  const verdict = guard.check(p, from, now);
  if (verdict === 'ok') return true;
  const host = hostHex(p.hostId);
  if (verdict === 'moved') {
    const address = addressText(p.address, p.port);
    log.info({ provider: host, address }, `provider ${p.name} (${host}) now sends from ${address}`);
    return true;
  }
  counters.conflicts[verdict.conflict] = (counters.conflicts[verdict.conflict] ?? 0) + 1;
  const c = p.conflicts;
  if (verdict.report && c) {
    log.warn(
      { provider: host, owner: c.owner, from: c.lastAddress, frames: c.count, action: verdict.conflict },
      `provider conflict: frames for ${p.name} (${host}) from ${c.lastAddress}, but it sends from ${c.owner} (possible spoofing; ${verdict.conflict})`,
    );
    if (p.announced) onConflict(p);
  }
  return verdict.conflict === 'flagged';
}
