import type { RunSeries, SeriesChannel } from '../../../server/curves/index.js';
import { createDynoSim, type EngineProfileId, runPull, type VirtualEcu } from '../../../server/engine/index.js';
import type { SimFrame } from '../../../server/engine/sim-frame.js';
import { UNIT_LABELS } from '../../../server/protocol/types.js';
import { DYNO_CHANNELS, PROBE_CHANNELS } from '../../../server/sim/sim-channels.js';
import { SIMULATOR_CHANNELS } from '../../support/simulator-channels.js';

// A run as the run library would decode it: one simulated WOT pull (trigger → idle again) stepped by the engine model
// faster than real time, every simulator channel sampled at each step, named and labelled as the simulator announces
// them, with the quantity the mapping gives each (test/support/simulator-channels.ts).

export interface SimRunOptions {
  profile?: EngineProfileId;
  seed?: number;
  atmosphere?: { tempC?: number; pressureKpa?: number; humidityPct?: number };
  /** Step, s. Default 0.02 (the simulator's 50 Hz). */
  dtS?: number;
  tps?: number;
  noiseScale?: number;
  /** Default: perfectly tuned. */
  ecu?: VirtualEcu;
  /** Leave the atmospheric probe's channels out (a run without a probe). */
  withoutProbe?: boolean;
  /** Idle recorded before the trigger, s (the run library's pre-roll). Default 0: the run starts at the trigger. */
  idleBeforeS?: number;
  /** Added to every sample time, ms (a recording's clock is not on the export's 50 ms grid). Default 0. */
  timeOffsetMs?: number;
}

export interface SimRun {
  series: RunSeries;
  frames: SimFrame[];
  /** The SAE J1349 factor the model applied (observed = corrected / cf). */
  modelCf: number;
}

const QUANTITY = new Map(SIMULATOR_CHANNELS.map((c) => [c.name, c.quantity]));

export function simRun(o: SimRunOptions = {}): SimRun {
  const sim = createDynoSim({
    profile: o.profile ?? 'm8_114',
    seed: o.seed ?? 1,
    atmosphere: o.atmosphere,
    noiseScale: o.noiseScale,
    ecu: o.ecu,
  });
  const dtS = o.dtS ?? 0.02;
  const idle: SimFrame[] = [];
  for (let s = 0; s < (o.idleBeforeS ?? 0) - 1e-9; s += dtS) idle.push(sim.step(dtS));
  const frames = [...idle, ...runPull(sim, { tps: o.tps, dtS }).frames];
  const channels = [...DYNO_CHANNELS, ...(o.withoutProbe ? [] : PROBE_CHANNELS)];
  const offset = o.timeOffsetMs ?? 0;
  const t = Float64Array.from(frames, (f) => Math.round(f.t * 1e6) / 1e3 + offset);
  const series: RunSeries = {
    channels: channels.map(
      (c): SeriesChannel => ({
        name: c.name,
        quantity: QUANTITY.get(c.name) ?? null,
        unit: UNIT_LABELS[c.unit] ?? '',
        t,
        v: Float64Array.from(frames, (f) => c.read(f)),
      }),
    ),
  };
  return { series, frames, modelCf: frames[0].correctionFactor };
}
