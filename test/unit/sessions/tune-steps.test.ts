import { describe, expect, it } from 'vitest';
import type { IterationResult, SessionEventBody } from '@jetdrive-hub/client/contract';
import { PROFILE_IDS } from '../../../server/engine/engine-profiles.js';
import { createDynoPlant } from '../../../server/sessions/create-dyno-plant.js';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import { DEFAULT_TPS_STEPS, type SessionTables, tuneSteps } from '../../../server/sessions/tune-steps.js';
import type { PlantFactory } from '../../../server/sessions/tuning-plant.js';
import { lookupGrid } from '../../../server/tuning/ve-grid.js';

const emptyTables = (): SessionTables => ({
  veFront: new Float64Array(0),
  veRear: new Float64Array(0),
  corrections: [],
  lastCellMaps: null,
});

/** Runs the loop to the end in-process (no event loop involved) and returns its events. */
function runPure(input: object, createPlant: PlantFactory = (i) => createDynoPlant(i)) {
  const tables = emptyTables();
  const events: SessionEventBody[] = [];
  let chunks = 0;
  for (const step of tuneSteps(
    parseSessionConfig(input),
    { createPlant, tpsSteps: DEFAULT_TPS_STEPS, now: () => 0 },
    tables,
  )) {
    if (step.type === 'chunk') chunks++;
    else events.push(step);
  }
  const iterations = events.flatMap((e) => (e.type === 'iteration' ? [e.result] : []));
  const terminals = events.filter((e) => e.type === 'terminal');
  return { events, iterations, terminals, chunks, tables };
}

describe('tuneSteps with the simulated dyno', () => {
  describe.each(PROFILE_IDS)('%s', (profile) => {
    it.each(['lean', 'rich'])('%s converges with the default settings', (scenario) => {
      const { iterations, terminals, events } = runPure({ engine_profile: profile, base_ve_scenario: scenario });
      expect(terminals).toEqual([{ type: 'terminal', status: 'converged', message: null }]);
      expect(events.at(-1)).toEqual(terminals[0]);
      const last = iterations.at(-1) as IterationResult;
      expect(last.converged).toBe(true);
      expect(last.max_afr_error).toBeLessThan(0.3);
      expect(last.cells_converged / last.cells_judged).toBeGreaterThanOrEqual(0.9);
      expect(iterations.length).toBeLessThanOrEqual(10);
      // The loop did the work: the first iteration saw the scenario's error (≈10 % VE ≈ 1.3 AFR), then it fell.
      expect(iterations[0].max_afr_error).toBeGreaterThan(1);
      expect(iterations[0].mean_ve_correction_pct).toBeGreaterThan(5);
      // Several throttle positions: well beyond the top MAP rows a WOT pull alone reaches.
      expect(iterations[0].coverage_pct).toBeGreaterThan(45);
      expect(last.peak_hp).toBeGreaterThan(50);
    });
  });

  it('corrects front and rear separately: a rear-only error leaves the front table alone', () => {
    // Perfect tables, but the plant reads the rear 8 % lean: only the rear correction may move.
    const leanRear: PlantFactory = (input) => {
      const plant = createDynoPlant(input);
      return {
        *pull(tps) {
          for (const chunk of plant.pull(tps)) yield chunk.map((s) => ({ ...s, afrRear: s.afrRear * 1.08 }));
        },
      };
    };
    const { tables, iterations } = runPure({ base_ve_scenario: 'perfect', max_iterations: 1 }, leanRear);
    const [first] = tables.corrections;
    expect(iterations[0].cells_corrected).toBeGreaterThan(20);
    const moved = (t: Float64Array) => t.filter((c) => c !== 1).length;
    expect(moved(first.rear)).toBeGreaterThan(20);
    expect(moved(first.front)).toBeLessThan(3);
    expect(Math.max(...first.rear)).toBeCloseTo(1.08, 1);
  });

  it('fails with the oscillation message when the max error rises twice by more than 0.1', () => {
    // A plant whose mixture gets leaner every iteration, whatever the corrections do.
    let iteration = 0;
    const drifting: PlantFactory = (input) => {
      iteration++;
      const k = iteration;
      return {
        *pull() {
          const s = [];
          for (let rpm = 1500; rpm <= 6500; rpm += 100) {
            const afr = lookupGrid(input.afrTarget, rpm, 60) + 0.5 * k;
            s.push({ rpm, mapKpa: 60, afrFront: afr, afrRear: afr, hp: 50, tq: 60 });
          }
          yield s;
        },
      };
    };
    const { terminals, iterations } = runPure({ max_iterations: 10 }, drifting);
    expect(iterations.map((r) => r.max_afr_error)).toEqual([0.5, 1, 1.5]);
    expect(terminals).toEqual([
      { type: 'terminal', status: 'failed', message: 'Oscillation detected - corrections are not converging' },
    ]);
  });

  it('ends with max_iterations when it cannot converge in time (oscillation detection off)', () => {
    const { terminals, iterations } = runPure({
      max_iterations: 2,
      convergence_threshold_afr: 0.001,
      oscillation_detection_enabled: false,
    });
    expect(iterations).toHaveLength(2);
    expect(terminals).toEqual([{ type: 'terminal', status: 'max_iterations', message: null }]);
  });

  it('throws (the driver reports failed) when the pulls give no samples on the grid', () => {
    const empty: PlantFactory = () => ({
      *pull() {
        yield [];
      },
    });
    expect(() => runPure({}, empty)).toThrow(/Iteration 1 failed: the pulls produced no samples/);
  });

  it('emits created-order events: running, then per iteration progress 0 … 100 around its result', () => {
    const { events } = runPure({ base_ve_scenario: 'perfect' });
    expect(events[0].type).toBe('running');
    const pcts = events.flatMap((e) => (e.type === 'progress' ? [e.pct] : []));
    expect(pcts[0]).toBe(0);
    expect(pcts.at(-1)).toBe(100);
    for (let i = 1; i < pcts.length; i++) if (pcts[i] !== 0) expect(pcts[i]).toBeGreaterThan(pcts[i - 1]);
  });
});
