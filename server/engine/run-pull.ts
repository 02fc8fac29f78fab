import type { DynoSim } from './dyno-sim.js';
import type { SimFrame, TriggerPullOptions } from './sim-frame.js';

export interface RunPullOptions extends TriggerPullOptions {
  /** Step size, s. Default 0.02 (50 Hz, the provider's rate). */
  dtS?: number;
  /** Give up after this much simulated time, s. Default 180. */
  maxS?: number;
}

export interface PullRun {
  /** Every frame from the trigger until the dyno is idle again. */
  frames: SimFrame[];
  /** The frames of the pull itself (state 'pull'): the tuning data. */
  pullFrames: SimFrame[];
  /** Simulated seconds the pull state lasted. */
  pullS: number;
}

/**
 * Runs one pull as fast as the CPU allows: waits (in simulated time) for idle, triggers, steps until idle again.
 * This is how the tuning sessions drive the model: set the ECU tables, runPull at a TPS, read the frames.
 */
export function runPull(sim: DynoSim, options: RunPullOptions = {}): PullRun {
  const dtS = options.dtS ?? 0.02;
  const maxS = options.maxS ?? 180;
  const deadline = sim.timeS + maxS;
  while (sim.state !== 'idle') {
    if (sim.timeS >= deadline) throw new Error(`runPull: dyno not idle after ${maxS} s (state ${sim.state})`);
    sim.step(dtS);
  }
  const result = sim.triggerPull({ tps: options.tps });
  if (!result.ok) throw new Error(`runPull: ${result.message}`);
  const frames: SimFrame[] = [];
  const pullFrames: SimFrame[] = [];
  do {
    if (sim.timeS >= deadline) throw new Error(`runPull: pull did not finish within ${maxS} s (state ${sim.state})`);
    const f = sim.step(dtS);
    frames.push(f);
    if (f.state === 'pull') pullFrames.push(f);
  } while (sim.state !== 'idle');
  return { frames, pullFrames, pullS: pullFrames.length * dtS };
}
