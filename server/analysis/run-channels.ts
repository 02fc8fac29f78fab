import type { AnalysisChannels, AnalysisLoad } from '@jetdrive-hub/client/contract';
import { guessQuantity, type RunSeries } from '../curves/index.js';
import { AnalysisError } from './analysis-error.js';
import { channelsOfQuantities } from './resolve-analysis-channels.js';

// Which channels of a recorded run an offline analysis reads. The run's stored catalog says what the mapping made of
// each channel while it was recorded (a channel it left unmapped is guessed from its name and unit, as the run's
// decoded series are); the analysis' channel keys are the quantities themselves, so every run of one analysis feeds
// the same keys whatever its channels were called.

/** What the run library says of a run without reading its file. */
export interface RunDescription {
  name: string;
  providers: readonly { hostId: number; name: string }[];
  channels: readonly { hostId: number; name: string; unit: string; quantity: string | null }[];
}

/** The runs an offline analysis reads: described at once from the library's index, read (decoded) when fed. */
export interface AnalysisRunSource {
  /** Throws the library's RUN_NOT_FOUND when there is no such run. */
  describe(id: string): RunDescription;
  read(id: string): Promise<RunSeries>;
}

export interface RunChannelsResolved {
  provider: { hostId: number; name: string };
  channels: AnalysisChannels;
}

/** Each channel's quantity: the stored one, else a guess that does not take a quantity already given. */
function quantitiesOf(run: RunDescription): { hostId: number; quantity: string | null }[] {
  const taken = new Set(run.channels.flatMap((c) => (c.quantity ? [c.quantity] : [])));
  return run.channels.map((c) => {
    if (c.quantity !== null) return { hostId: c.hostId, quantity: c.quantity };
    const quantity = guessQuantity(c.name, c.unit, taken);
    if (quantity) taken.add(quantity);
    return { hostId: c.hostId, quantity };
  });
}

/** The channels (keyed by quantity) an offline analysis on `load` reads from `run`, and the provider of its rpm. */
export function resolveRunChannels(id: string, run: RunDescription, load: AnalysisLoad): RunChannelsResolved {
  const first = new Map<string, string>();
  let rpmHost: number | null = null;
  for (const c of quantitiesOf(run)) {
    if (c.quantity === null || first.has(c.quantity)) continue;
    first.set(c.quantity, c.quantity);
    if (c.quantity === 'rpm') rpmHost = c.hostId;
  }
  const channels = channelsOfQuantities(first, load, `run ${id}`, 'runs');
  const provider = run.providers.find((p) => p.hostId === rpmHost) ?? run.providers[0];
  return {
    provider: provider ? { hostId: provider.hostId, name: provider.name } : { hostId: 0, name: run.name },
    channels,
  };
}

/** Series column per analysis key (a quantity) in a decoded run: the first channel of each quantity. */
export function seriesColumnsOf(
  series: RunSeries,
  channels: AnalysisChannels,
): { key: string; t: Float64Array; v: Float64Array }[] {
  const wanted = [channels.rpm, channels.load, channels.tps, channels.engineTemp, ...channels.banks.map((b) => b.key)];
  const out: { key: string; t: Float64Array; v: Float64Array }[] = [];
  for (const key of wanted) {
    if (key === null) continue;
    const column = series.channels.find((c) => c.quantity === key);
    if (column) out.push({ key, t: column.t, v: column.v });
  }
  const has = new Set(out.map((c) => c.key));
  const lacks = [channels.rpm, channels.load, ...channels.banks.map((b) => b.key)].filter((k) => !has.has(k));
  if (lacks.length > 0) {
    throw new AnalysisError(
      'CHANNELS_MISSING',
      `runs: the run has no channel mapped to ${lacks.join(', ')}, which this analysis reads`,
      'runs',
      { missing: lacks },
    );
  }
  return out;
}
