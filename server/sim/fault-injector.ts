import type { Prng } from '../engine/prng.js';
import type { OutgoingDatagram } from './types.js';

/** Network faults the simulator can inject, for tests and demos of the hub's sequence and recovery logic. */
export interface SimFaults {
  /** ChannelValues datagrams dropped, % (the receiver sees sequence gaps). */
  dropPct?: number;
  /** ChannelValues datagrams sent twice, %. */
  duplicatePct?: number;
  /** ChannelValues datagrams held back and sent after the next one, % (out-of-order arrivals). */
  reorderPct?: number;
  /** Every ChannelValues datagram leaves this much later, ms (order kept). */
  delayMs?: number;
  /** ChannelInfo withheld for this long after start: a hub sees values before info (answers to RequestChannelInfo are not withheld). */
  lateInfoMs?: number;
  /** Rename a channel of a provider this long after start (ClearChannelInfo, then the new ChannelInfo). */
  rename?: { provider?: 'dyno' | 'probe'; channelId: number; name: string; afterMs: number };
  /** Restart the dyno provider with a new host id this long after start. */
  restartAfterMs?: number;
}

export const DEFAULT_FAULT_INJECTOR_OPTIONS = Object.freeze({
  /** Delayed datagrams waiting for their timer; beyond this they are dropped and counted. */
  maxPending: 1024,
});

export interface FaultStats {
  sent: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  /** Delayed datagrams refused because maxPending were already waiting. */
  overflow: number;
}

export interface FaultInjector {
  send(d: OutgoingDatagram): void;
  setFaults(faults: SimFaults): void;
  stats(): Readonly<FaultStats>;
  /** Sends what is held or waiting right now (stop). */
  flush(): void;
}

export interface FaultInjectorOptions {
  faults?: SimFaults;
  rng: Prng;
  transmit: (bytes: Uint8Array) => void;
  /** Schedules fn after ms; returns a cancel function. Injected so the injector stays testable. */
  setTimer: (fn: () => void, ms: number) => () => void;
  maxPending?: number;
}

function pct(field: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (!(v >= 0 && v <= 100)) throw new RangeError(`faults.${field} ${v}: expected 0–100 %`);
  return v;
}

export function validateFaults(f: SimFaults): SimFaults {
  pct('dropPct', f.dropPct);
  pct('duplicatePct', f.duplicatePct);
  pct('reorderPct', f.reorderPct);
  for (const k of ['delayMs', 'lateInfoMs', 'restartAfterMs'] as const) {
    const v = f[k];
    if (v !== undefined && !(v >= 0 && v <= 3_600_000)) throw new RangeError(`faults.${k} ${v}: expected 0–3600000 ms`);
  }
  return f;
}

/** Applies drop / duplicate / reorder / delay to ChannelValues; control messages pass straight through. */
export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  let faults = validateFaults(options.faults ?? {});
  const maxPending = options.maxPending ?? DEFAULT_FAULT_INJECTOR_OPTIONS.maxPending;
  const stats: FaultStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, overflow: 0 };
  const pending = new Map<number, { bytes: Uint8Array; cancel: () => void }>();
  let nextPendingId = 0;
  let held: Uint8Array | null = null;

  const transmit = (bytes: Uint8Array): void => {
    stats.sent++;
    options.transmit(bytes);
  };
  const later = (bytes: Uint8Array, ms: number): void => {
    if (pending.size >= maxPending) {
      stats.overflow++;
      return;
    }
    const id = nextPendingId++;
    stats.delayed++;
    const cancel = options.setTimer(() => {
      pending.delete(id);
      transmit(bytes);
    }, ms);
    pending.set(id, { bytes, cancel });
  };
  const out = (bytes: Uint8Array): void => {
    const delay = faults.delayMs ?? 0;
    if (delay > 0) later(bytes, delay);
    else transmit(bytes);
  };

  return {
    send(d) {
      if (d.kind !== 'values') {
        transmit(d.bytes);
        return;
      }
      const r = options.rng;
      if (r.next() * 100 < (faults.dropPct ?? 0)) {
        stats.dropped++;
        return;
      }
      if (held === null && r.next() * 100 < (faults.reorderPct ?? 0)) {
        stats.reordered++;
        held = d.bytes;
        return;
      }
      out(d.bytes);
      if (r.next() * 100 < (faults.duplicatePct ?? 0)) {
        stats.duplicated++;
        out(d.bytes);
      }
      if (held !== null) {
        const h = held;
        held = null;
        out(h);
      }
    },
    setFaults(f) {
      faults = validateFaults(f);
    },
    stats: () => ({ ...stats }),
    flush() {
      for (const [id, p] of pending) {
        p.cancel();
        pending.delete(id);
        transmit(p.bytes);
      }
      if (held !== null) {
        const h = held;
        held = null;
        transmit(h);
      }
    },
  };
}
