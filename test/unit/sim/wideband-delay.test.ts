import { describe, expect, it } from 'vitest';
import { createDynoSim, type SimFrame } from '../../../server/engine/index.js';
import { WidebandDelay } from '../../../server/sim/wideband-delay.js';

describe('WidebandDelay', () => {
  it('reports the AFR of delay × rate ticks ago (and lambda from it), everything else as the frame has it', () => {
    const sim = createDynoSim({ profile: 'm8_114', seed: 1 });
    sim.triggerPull();
    const delay = new WidebandDelay(100, 50); // 5 ticks
    const frames: SimFrame[] = [];
    const sent: SimFrame[] = [];
    for (let i = 0; i < 20; i++) {
      frames.push(sim.step(0.02));
      sent.push(delay.delay(frames[i]));
    }
    for (let i = 5; i < 20; i++) {
      expect(sent[i].afrFront).toBe(frames[i - 5].afrFront);
      expect(sent[i].afrRear).toBe(frames[i - 5].afrRear);
      expect(sent[i].lambda).toBeCloseTo(frames[i - 5].afrFront / 14.7, 12);
      expect(sent[i].rpm).toBe(frames[i].rpm);
    }
    // Before five readings exist, the oldest one stands in.
    expect(sent[0].afrFront).toBe(frames[0].afrFront);
    expect(sent[3].afrFront).toBe(frames[0].afrFront);
  });

  it('passes frames through with no delay, and refuses a negative one', () => {
    const sim = createDynoSim({ profile: 'm8_114', seed: 1 });
    const f = sim.step(0.02);
    expect(new WidebandDelay(0, 50).delay(f)).toBe(f);
    expect(() => new WidebandDelay(-1, 50)).toThrow(/widebandDelayMs -1/);
  });
});
