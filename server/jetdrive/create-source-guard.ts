// JetDrive has no authentication, so every node can send under every host id. A real node sends from one socket, so the
// source address (ip:port) of a host id's frames never changes while it runs (a restarted device picks a new id).
// Frames for a host id from another address while the first one is still active are a spoofer (or a misconfigured
// twin): they are counted and flagged, and by policy dropped. When the owning address has been silent for
// `moveAfterMs` (the provider went offline) a new address takes the id over, so a device that really moved is only
// refused for that long.

/** `flag`: count and report, still deliver; `drop`: count, report and discard the frame. */
export type SourcePolicy = 'flag' | 'drop';

export interface ProviderConflicts {
  /** Frames from an address other than the owner's. */
  count: number;
  /** The address the host id belongs to, "ip:port". */
  owner: string;
  /** The last disagreeing address, "ip:port". */
  lastAddress: string;
  lastAt: number;
}

export interface SourceGuardOptions {
  policy: SourcePolicy;
  /** Silence of the owning address after which another address may take the host id over. */
  moveAfterMs: number;
  /** At most one conflict report (event, log line) per provider per this period; every frame is counted. */
  reportIntervalMs: number;
}

/** What the node keeps per provider that the guard reads and updates. */
export interface GuardedSource {
  address: string;
  port: number;
  lastSeen: number;
  conflicts?: ProviderConflicts;
}

export type SourceVerdict =
  /** From the owning address. */
  | 'ok'
  /** The owner went silent; this address now owns the host id. */
  | 'moved'
  /** From another address: deliver (policy flag) or discard (policy drop); `report` when it is time to say so. */
  | { conflict: 'flagged' | 'dropped'; report: boolean };

export interface SourceGuard {
  check(p: GuardedSource, from: { address: string; port: number }, now: number): SourceVerdict;
  readonly policy: SourcePolicy;
}

export const addressText = (address: string, port: number): string => `${address}:${port}`;

export function createSourceGuard(options: SourceGuardOptions): SourceGuard {
  const reportedAt = new WeakMap<ProviderConflicts, number>();
  return {
    policy: options.policy,
    check(p, from, now) {
      if (from.address === p.address && from.port === p.port) return 'ok';
      if (now - p.lastSeen >= options.moveAfterMs) {
        p.address = from.address;
        p.port = from.port;
        return 'moved';
      }
      const lastAddress = addressText(from.address, from.port);
      const owner = addressText(p.address, p.port);
      const c = p.conflicts ?? { count: 0, owner, lastAddress, lastAt: now };
      c.count++;
      c.owner = owner;
      c.lastAddress = lastAddress;
      c.lastAt = now;
      p.conflicts = c;
      const last = reportedAt.get(c);
      const report = last === undefined || now - last >= options.reportIntervalMs;
      if (report) reportedAt.set(c, now);
      return { conflict: options.policy === 'drop' ? 'dropped' : 'flagged', report };
    },
  };
}
