import { fahrenheitToCelsius, inHgToKpa } from '../engine/atmosphere.js';
import { createDynoSim } from '../engine/dyno-sim.js';
import { createVirtualEcu } from '../engine/virtual-ecu.js';
import type { PlantInput, PullSample, TuningPlant } from './tuning-plant.js';

export interface DynoPlantOptions {
  /** Simulation step, s (50 Hz: the rate the simulated provider logs at). */
  dtS: number;
  /** Simulation steps per chunk handed back to the session (a chunk costs well under a millisecond). */
  chunkSteps: number;
  /** Simulated seconds a pull (with its wait for idle, decel and cooldown) may take before it is a failure. */
  maxPullS: number;
}

export const DEFAULT_DYNO_PLANT_OPTIONS: Readonly<DynoPlantOptions> = Object.freeze({
  dtS: 0.02,
  chunkSteps: 25,
  maxPullS: 180,
});

/**
 * The simulated inertia dyno (server/sim) with a virtual ECU fuelling from the iteration's tables, driven faster
 * than real time: each pull triggers from idle at the given throttle and steps until the dyno is idle again;
 * only frames in the 'pull' state (engine under load, injectors on) are tuning data.
 */
export function createDynoPlant(input: PlantInput, options: Partial<DynoPlantOptions> = {}): TuningPlant {
  const o = { ...DEFAULT_DYNO_PLANT_OPTIONS, ...options };
  const ecu = createVirtualEcu({ veFront: input.veFront, veRear: input.veRear, afrTarget: input.afrTarget });
  const sim = createDynoSim({
    profile: input.profile,
    seed: input.seed,
    ecu,
    atmosphere: {
      pressureKpa: inHgToKpa(input.barometricPressureInHg),
      tempC: fahrenheitToCelsius(input.ambientTempF),
    },
  });

  function* pull(tps: number): Generator<readonly PullSample[]> {
    const deadline = sim.timeS + o.maxPullS;
    const overdue = (): Error =>
      new Error(`pull at ${tps}% TPS did not finish within ${o.maxPullS} simulated s (state ${sim.state})`);
    let steps = 0;
    while (sim.state !== 'idle') {
      if (sim.timeS >= deadline) throw overdue();
      sim.step(o.dtS);
      if (++steps % o.chunkSteps === 0) yield [];
    }
    const started = sim.triggerPull({ tps });
    if (!started.ok) throw new Error(`pull at ${tps}% TPS: ${started.message}`);
    let chunk: PullSample[] = [];
    do {
      if (sim.timeS >= deadline) throw overdue();
      const f = sim.step(o.dtS);
      if (f.state === 'pull' && !f.fuelCut) {
        chunk.push({ rpm: f.rpm, mapKpa: f.mapKpa, afrFront: f.afrFront, afrRear: f.afrRear, hp: f.hp, tq: f.ftlb });
      }
      if (++steps % o.chunkSteps === 0) {
        yield chunk;
        chunk = [];
      }
    } while (sim.state !== 'idle');
    if (chunk.length > 0) yield chunk;
  }
  return { pull };
}
