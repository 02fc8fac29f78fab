import { describe, expect, it } from 'vitest';
import { createDynoSim, PROFILE_IDS } from '../../../server/engine/index.js';
import { type DetectorEvent, RunDetector } from '../../../server/runs/run-detector.js';
import { DEFAULT_DETECTION_OPTIONS } from '../../../server/runs/run-options.js';

const RPM = {
  startLevel: DEFAULT_DETECTION_OPTIONS.startRpm,
  minRisePerS: DEFAULT_DETECTION_OPTIONS.minRiseRpmPerS,
  decelPerS: DEFAULT_DETECTION_OPTIONS.decelRpmPerS,
};
const DT_S = 0.02;

interface Observed {
  events: DetectorEvent[];
  pullStartMs: number;
  pullEndMs: number | null;
}

/** Steps the engine model at 50 Hz (faster than real time): idle, one pull at `tps`, decel, idle again. */
function drive(profile: (typeof PROFILE_IDS)[number], tps: number): Observed {
  const sim = createDynoSim({ profile, seed: 7 });
  const detector = new RunDetector(DEFAULT_DETECTION_OPTIONS, RPM);
  const events: DetectorEvent[] = [];
  let pullStartMs = 0;
  let pullEndMs: number | null = null;
  for (let i = 0; i < 120 / DT_S; i++) {
    if (i === Math.round(3 / DT_S)) {
      expect(sim.triggerPull({ tps }).ok).toBe(true);
      pullStartMs = sim.timeS * 1000;
    }
    const before = sim.state;
    const f = sim.step(DT_S);
    if (before === 'pull' && f.state !== 'pull') pullEndMs = f.t * 1000;
    const e = detector.update(f.t * 1000, f.rpm, f.tps);
    if (e) events.push(e);
  }
  return { events, pullStartMs, pullEndMs };
}

describe('RunDetector on the engine model', () => {
  for (const profile of PROFILE_IDS) {
    for (const tps of [100, 35]) {
      it(`${profile} at ${tps}% throttle: one run, starting early in the pull and ending at its end`, () => {
        const { events, pullStartMs, pullEndMs } = drive(profile, tps);
        expect(events.map((e) => e.type)).toEqual(['start', 'end']);
        expect(pullEndMs).not.toBeNull();
        const [start, end] = events;
        expect(start.at).toBeGreaterThanOrEqual(pullStartMs);
        // Part throttle climbs slowly from idle to the start level; the pre-roll keeps that lead-in.
        expect(start.at - pullStartMs).toBeLessThan(5000);
        expect(start.at).toBeLessThan((pullStartMs + (pullEndMs ?? 0)) / 2);
        // The pull ends with the throttle closing: the run ends within a second of it.
        expect(Math.abs(end.at - (pullEndMs ?? 0))).toBeLessThan(1000);
      });
    }
  }

  it('never starts at idle, whatever the noise', () => {
    const sim = createDynoSim({ profile: 'sportbike_600', seed: 3 });
    const detector = new RunDetector(DEFAULT_DETECTION_OPTIONS, RPM);
    for (let i = 0; i < 30 / DT_S; i++) {
      const f = sim.step(DT_S);
      expect(detector.update(f.t * 1000, f.rpm, f.tps)).toBeNull();
    }
  });

  it('starts on a roll-on above the start level (throttle opened at 4000 rpm) and ends at max duration', () => {
    const o = { ...DEFAULT_DETECTION_OPTIONS, maxDurationS: 5 };
    const detector = new RunDetector(o, RPM);
    const events: DetectorEvent[] = [];
    for (let t = 0; t <= 20_000; t += 20) {
      const opening = t >= 2000;
      const rpm = opening ? 4000 + (t - 2000) * 0.5 : 4000;
      const e = detector.update(t, rpm, opening ? 60 : 2);
      if (e) events.push(e);
    }
    expect(events).toHaveLength(2);
    expect(events[0].type).toBe('start');
    expect(events[0].at).toBeGreaterThanOrEqual(2000);
    expect(events[0].at).toBeLessThan(2500);
    expect(events[1]).toMatchObject({ type: 'end', reason: 'max_duration' });
  });
});
