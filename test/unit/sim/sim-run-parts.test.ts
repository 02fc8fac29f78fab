import { describe, expect, it } from 'vitest';
import type { SimFrame } from '../../../server/engine/sim-frame.js';
import { ProbeSchedule } from '../../../server/sim/probe-schedule.js';
import { PullRecorder } from '../../../server/sim/pull-recorder.js';
import { TickPacer, tickTime } from '../../../server/sim/tick-pacer.js';

describe('TickPacer', () => {
  it('runs the ticks due since the start and stamps each with its own time', () => {
    const pacer = new TickPacer(50, 250);
    expect(pacer.msUntilNext(0)).toBe(20);
    expect(pacer.due(10)).toBe(0);
    expect(pacer.msUntilNext(10)).toBe(10);
    expect(pacer.due(45)).toBe(2);
    expect([pacer.tick(), pacer.tick()]).toEqual([20, 40]);
    // The timer is aimed at the next tick's due time (the third, at 60 ms), also when it fired late.
    expect(pacer.msUntilNext(45)).toBe(15);
    expect(pacer.msUntilNext(70)).toBe(0);
    expect(pacer.due(60)).toBe(1);
    expect(pacer.tick()).toBe(60);
    expect(pacer.msUntilNext(60.4)).toBe(20);
    expect(pacer.ticks).toBe(3);
    expect(pacer.skippedTicks).toBe(0);
  });

  it('catches up at most maxCatchUpMs at once and counts the older ticks as skipped', () => {
    const pacer = new TickPacer(50, 100); // 5 ticks of catch-up
    expect(pacer.due(1000)).toBe(5);
    expect(pacer.skippedTicks).toBe(45);
    // The skipped ticks' times are not reused: the next tick is the 46th.
    expect(pacer.tick()).toBe(tickTime(46, 50));
    expect(pacer.tick()).toBe(940);
  });

  it('allows at least one tick of catch-up', () => {
    const pacer = new TickPacer(5000, 0);
    expect(pacer.due(1)).toBe(1);
    expect(pacer.skippedTicks).toBe(4);
  });

  it('wraps provider-clock times at 2^32 ms', () => {
    expect(tickTime(0x1_0000_0000 / 20 + 1, 50)).toBe(20);
  });
});

describe('ProbeSchedule', () => {
  const over = (schedule: ProbeSchedule, ticks: number) =>
    Array.from({ length: ticks }, (_, i) => schedule.sendsAt(i + 1));

  it('sends on every n-th tick when slower than the dyno', () => {
    expect(over(new ProbeSchedule(50, 10), 10)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(over(new ProbeSchedule(50, 50), 3)).toEqual([1, 1, 1]);
  });

  it('sends several per tick when faster, carrying the remainder over', () => {
    const sends = over(new ProbeSchedule(10, 25), 10);
    expect(sends.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24);
    expect(Math.max(...sends)).toBe(3);
    expect(Math.min(...sends)).toBe(2);
  });
});

function frame(pull: number, hp: number, ftlb: number, rpm: number, state: SimFrame['state'] = 'pull'): SimFrame {
  return { pull, hp, ftlb, rpm, state } as SimFrame;
}

describe('PullRecorder', () => {
  it('is empty before the first pull and ignores frames outside a pull', () => {
    const recorder = new PullRecorder(10);
    recorder.record(frame(0, 5, 5, 1000, 'idle'));
    expect(recorder.data(() => true)).toBeNull();
  });

  it('keeps the frames of the latest pull with its rounded peaks', () => {
    const recorder = new PullRecorder(10);
    recorder.record(frame(1, 50, 80, 3000));
    recorder.record(frame(2, 60.04, 90.26, 3000.4));
    recorder.record(frame(2, 70.06, 85, 4000.6));
    const data = recorder.data((pull) => pull === 2);
    expect(data).toMatchObject({
      pull: 2,
      running: true,
      droppedFrames: 0,
      peakHp: 70.1,
      hpPeakRpm: 4001,
      peakTq: 90.3,
      tqPeakRpm: 3000,
    });
    expect(data?.frames).toHaveLength(2);
    expect(recorder.data(() => false)?.running).toBe(false);
  });

  it('counts the frames beyond its limit instead of keeping them', () => {
    const recorder = new PullRecorder(2);
    for (let i = 0; i < 5; i++) recorder.record(frame(1, i, i, 1000 + i));
    expect(recorder.data(() => false)).toMatchObject({ droppedFrames: 3, peakHp: 1 });
  });
});
