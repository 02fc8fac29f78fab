import { describe, expect, it } from 'vitest';
import { createPullTracker } from '../../../server/dashboard/web/create-pull-tracker.js';

/** A WOT pull from `from` to `to` rpm in 100 rpm steps, power peaking near the top, torque in the middle. */
function feedPull(
  tracker: ReturnType<typeof createPullTracker>,
  t0: number,
  from: number,
  to: number,
  tps: number | null,
) {
  let t = t0;
  for (let rpm = from; rpm <= to; rpm += 100) {
    const x = (rpm - from) / (to - from);
    tracker.push(t, { rpm, power: 20 + 60 * Math.sin(x * 1.4), torque: 100 + 30 * Math.sin(x * Math.PI) }, tps);
    t += 50;
  }
  return t;
}

describe('createPullTracker', () => {
  it('marks a pull partial when the page did not see its start, full when it did', () => {
    const caught = createPullTracker();
    feedPull(caught, 0, 4000, 6000, 100);
    expect(caught.current()?.partial).toBe(true);

    const seen = createPullTracker();
    seen.push(0, { rpm: 1200, power: 2, torque: 20 }, 5);
    seen.push(50, { rpm: 1200, power: 2, torque: 20 }, 5);
    feedPull(seen, 100, 2000, 6000, 100);
    expect(seen.current()?.partial).toBe(false);
    seen.push(5000, { rpm: 1500, power: 2, torque: 20 }, 5);
    expect(seen.current()).toMatchObject({ active: false, partial: false });
  });

  it('marks a pull partial when data was missing for more than maxGapMs before it', () => {
    const tracker = createPullTracker({ maxGapMs: 1000 });
    tracker.push(0, { rpm: 1200, power: 2, torque: 20 }, 5);
    feedPull(tracker, 3000, 4000, 6000, 100);
    expect(tracker.current()?.partial).toBe(true);
  });

  it('recognises a climbing pull and its peaks', () => {
    const tracker = createPullTracker({ minSpanRpm: 1000 });
    feedPull(tracker, 0, 2000, 6000, 100);
    const pull = tracker.current();
    expect(pull?.active).toBe(true);
    expect(pull?.points.length).toBe(41);
    expect(pull?.peakPower?.rpm).toBe(6000);
    expect(pull?.peakTorque?.rpm).toBe(4000);
    expect(pull?.peakTorque?.value).toBeCloseTo(130, 6);
  });

  it('keeps the last pull after RPM falls back, until the next one', () => {
    const tracker = createPullTracker();
    const t = feedPull(tracker, 0, 2000, 6000, 100);
    expect(tracker.push(t, { rpm: 5000, power: 10, torque: 20 }, 100)).toBe(true);
    const last = tracker.current();
    expect(last?.active).toBe(false);
    expect(last?.endedAt).toBe(t);
    expect(tracker.completed).toBe(1);
    // Deceleration and idle do not replace it.
    for (let rpm = 4900; rpm >= 1500; rpm -= 100) tracker.push(t + 1, { rpm, power: 1, torque: 5 }, 100);
    expect(tracker.current()).toBe(last);
    feedPull(tracker, t + 1000, 1500, 5500, 100);
    expect(tracker.current()?.active).toBe(true);
    expect(tracker.current()?.points[0].rpm).toBe(1500);
  });

  it('ignores climbs at part throttle or shorter than minSpanRpm', () => {
    const tracker = createPullTracker({ minSpanRpm: 1000, wotTpsPct: 80 });
    feedPull(tracker, 0, 2000, 6000, 40);
    expect(tracker.current()).toBeNull();
    feedPull(tracker, 10_000, 2000, 2800, 100);
    expect(tracker.current()).toBeNull();
  });

  it('ends a pull when the throttle closes', () => {
    const tracker = createPullTracker();
    const t = feedPull(tracker, 0, 2000, 5000, 100);
    tracker.push(t, { rpm: 5050, power: 5, torque: 5 }, 10);
    expect(tracker.current()?.active).toBe(false);
  });

  it('restarts its candidate on a long steady idle instead of filling up', () => {
    const tracker = createPullTracker({ maxPoints: 50 });
    for (let i = 0; i < 500; i++) tracker.push(i, { rpm: 1000 + (i % 7), power: 1, torque: 5 }, null);
    feedPull(tracker, 1000, 1000, 4000, null);
    expect(tracker.current()?.active).toBe(true);
    expect(tracker.droppedPoints).toBe(0);
  });

  it('bounds a pull and counts the points it dropped', () => {
    const tracker = createPullTracker({ maxPoints: 20, minSpanRpm: 500 });
    feedPull(tracker, 0, 2000, 6000, null);
    expect(tracker.current()?.points.length).toBe(20);
    expect(tracker.droppedPoints).toBe(21);
  });
});

describe('createPullTracker, end of a pull', () => {
  it('drops what came after the highest RPM (throttle closing at the limiter)', () => {
    const tracker = createPullTracker();
    const t = feedPull(tracker, 0, 2000, 6000, 100);
    // At the limiter: RPM holds, power collapses while the throttle is still reading open.
    [60, 30, 5].forEach((power, i) => {
      tracker.push(t + i * 50, { rpm: 5990, power, torque: 20 }, 95);
    });
    tracker.push(t + 200, { rpm: 5900, power: -40, torque: -50 }, 0);
    const pull = tracker.current();
    expect(pull?.active).toBe(false);
    expect(pull?.points.at(-1)?.rpm).toBe(6000);
    expect(pull?.points.every((p) => p.power > 15)).toBe(true);
    expect(pull?.peakPower?.rpm).toBe(6000);
  });
});
