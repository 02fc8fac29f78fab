import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../server/engine/prng.js';
import { createFaultInjector, type SimFaults } from '../../../server/sim/fault-injector.js';
import type { OutgoingDatagram } from '../../../server/sim/types.js';

function harness(faults: SimFaults, maxPending?: number) {
  const sent: number[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const inj = createFaultInjector({
    faults,
    rng: createPrng(1),
    transmit: (b) => sent.push(b[0]),
    setTimer: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return () => {
        t.cancelled = true;
      };
    },
    maxPending,
  });
  const values = (n: number): OutgoingDatagram => ({ kind: 'values', bytes: new Uint8Array([n]) });
  const runTimers = () => {
    for (const t of timers.splice(0)) if (!t.cancelled) t.fn();
  };
  return { inj, sent, timers, values, runTimers };
}

describe('createFaultInjector', () => {
  it('passes everything through with no faults', () => {
    const h = harness({});
    for (let i = 0; i < 5; i++) h.inj.send(h.values(i));
    expect(h.sent).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops values at the asked rate but never control messages', () => {
    const h = harness({ dropPct: 30 });
    for (let i = 0; i < 1000; i++) h.inj.send(h.values(i & 0xff));
    h.inj.send({ kind: 'info', bytes: new Uint8Array([200]) });
    expect(h.inj.stats().dropped).toBeGreaterThan(240);
    expect(h.inj.stats().dropped).toBeLessThan(360);
    expect(h.sent.at(-1)).toBe(200);
  });

  it('reorders by holding one datagram back until the next is sent; duplicates send twice', () => {
    const r = harness({ reorderPct: 100 });
    for (let i = 0; i < 4; i++) r.inj.send(r.values(i));
    expect(r.sent).toEqual([1, 0, 3, 2]);
    const d = harness({ duplicatePct: 100 });
    d.inj.send(d.values(7));
    expect(d.sent).toEqual([7, 7]);
  });

  it('delays values in order, bounds what waits, and flush sends what is held', () => {
    const h = harness({ delayMs: 50 }, 3);
    for (let i = 0; i < 5; i++) h.inj.send(h.values(i));
    expect(h.sent).toEqual([]);
    expect(h.timers.map((t) => t.ms)).toEqual([50, 50, 50]);
    expect(h.inj.stats().overflow).toBe(2);
    h.runTimers();
    expect(h.sent).toEqual([0, 1, 2]);
    h.inj.send(h.values(9));
    h.inj.flush();
    expect(h.sent).toEqual([0, 1, 2, 9]);
  });

  it('rejects nonsense faults, naming the field', () => {
    expect(() => harness({ dropPct: 120 })).toThrow(/faults\.dropPct 120/);
    expect(() => harness({ delayMs: -1 })).toThrow(/faults\.delayMs -1/);
  });
});
