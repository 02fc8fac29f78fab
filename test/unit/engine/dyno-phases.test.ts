import { describe, expect, it } from 'vitest';
import { DynoPhases } from '../../../server/engine/dyno-phases.js';

const limits = { idleTps: 1, stallRpmPerS: 30, stallHoldS: 1.5, maxPullS: 90, cooldownS: 3 };

describe('DynoPhases', () => {
  it('starts a pull only from idle, with a throttle of 5–100 %', () => {
    const phases = new DynoPhases(limits);
    expect(phases.tpsTarget).toBe(1);
    expect(() => phases.trigger(0, 4)).toThrow(RangeError);
    expect(phases.trigger(0, 40)).toEqual({ ok: true, state: 'pull' });
    expect(phases.tpsTarget).toBe(40);
    expect(phases.pulls).toBe(1);
    expect(phases.trigger(0)).toMatchObject({ ok: false, code: 'SIM_NOT_IDLE' });
  });

  it('goes pull → decel at the end rpm, decel → cooldown near idle, cooldown → idle after cooldownS', () => {
    const phases = new DynoPhases(limits);
    phases.trigger(0);
    phases.settle(5000, 6000, 1000);
    expect(phases.state).toBe('pull');
    phases.settle(6000, 6000, 1000);
    expect([phases.state, phases.tpsTarget, phases.stateT]).toEqual(['decel', 0, 0]);
    phases.settle(1300, 6000, 1000);
    expect(phases.state).toBe('decel');
    phases.settle(1200, 6000, 1000);
    expect([phases.state, phases.tpsTarget]).toEqual(['cooldown', 1]);
    phases.advance(2.9, 2.9, null);
    phases.settle(1000, 6000, 1000);
    expect(phases.state).toBe('cooldown');
    phases.advance(3, 0.1, null);
    phases.settle(1000, 6000, 1000);
    expect(phases.state).toBe('idle');
  });

  it('ends a pull that stalls for stallHoldS after its first 2 s, and one that runs past maxPullS', () => {
    const stalled = new DynoPhases(limits);
    stalled.trigger(0, 20);
    stalled.advance(2, 2, null);
    stalled.trackStall(0, 1); // still within the first 2 s
    stalled.settle(3000, 6000, 1000);
    expect(stalled.state).toBe('pull');
    stalled.advance(2.5, 0.5, null);
    stalled.trackStall(10, 1);
    stalled.trackStall(29, 0.5);
    stalled.settle(3000, 6000, 1000);
    expect(stalled.state).toBe('decel');

    const long = new DynoPhases(limits);
    long.trigger(0);
    long.advance(90, 90, null);
    long.settle(3000, 6000, 1000);
    expect(long.state).toBe('decel');
  });

  it('a rise resets the stall time', () => {
    const phases = new DynoPhases(limits);
    phases.trigger(0);
    phases.advance(3, 3, null);
    phases.trackStall(0, 1);
    phases.trackStall(500, 0.01);
    phases.trackStall(0, 1);
    phases.settle(3000, 6000, 1000);
    expect(phases.state).toBe('pull');
  });

  it('auto-pulls from idle once the interval since the last pull start has passed and idle lasted 1 s', () => {
    const phases = new DynoPhases(limits);
    phases.advance(0.5, 0.5, 10);
    expect(phases.state).toBe('idle');
    phases.advance(9.9, 9.4, 10);
    expect(phases.state).toBe('idle');
    phases.advance(10, 0.1, 10);
    expect([phases.state, phases.pulls, phases.tpsTarget]).toEqual(['pull', 1, 100]);
    const none = new DynoPhases(limits);
    none.advance(100, 100, null);
    expect(none.state).toBe('idle');
  });
});
