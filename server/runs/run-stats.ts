import type { RunAtmosphere, RunChannel, RunChannelStats, RunPeak, RunProvider } from '@jetdrive-hub/client/contract';
import { decodeFrame, unitLabel } from '../protocol/index.js';

// What a run's summary says, computed from the recorded datagrams themselves (so recovered and uploaded files get
// one too): per-channel min/max/mean, peak power and torque with the engine speed at that moment, and the
// atmosphere. Channel names and quantities come from the catalog the recorder stored, completed by ChannelInfo
// frames in the file. Bounded: at most MAX_STAT_CHANNELS channels (the rest are counted in `untracked`).

const MAX_STAT_CHANNELS = 4096;

interface Acc {
  hostId: number;
  channelId: number;
  min: number;
  max: number;
  sum: number;
  n: number;
}

export interface RunStatsResult {
  stats: RunChannelStats[];
  channels: RunChannel[];
  providers: RunProvider[];
  peakPower: RunPeak | null;
  peakTorque: RunPeak | null;
  atmosphere: RunAtmosphere | null;
  untracked: number;
}

const keyOf = (hostId: number, channelId: number) => `${hostId}:${channelId}`;

export class RunStatsAccumulator {
  readonly #channels = new Map<string, RunChannel>();
  readonly #providers = new Map<number, RunProvider>();
  readonly #acc = new Map<string, Acc>();
  readonly #lastRpm = new Map<number, number>();
  #peakPower: RunPeak | null = null;
  #peakTorque: RunPeak | null = null;
  #untracked = 0;

  constructor(catalog: readonly RunChannel[], providers: readonly RunProvider[]) {
    for (const c of catalog) this.#channels.set(keyOf(c.hostId, c.channelId), { ...c });
    for (const p of providers) this.#providers.set(p.hostId, { ...p });
  }

  add(bytes: Uint8Array, receivedAt: number, address: string): void {
    let frame: ReturnType<typeof decodeFrame>;
    try {
      frame = decodeFrame(bytes);
    } catch {
      return;
    }
    if (frame.type === 'ChannelInfo') this.#learn(frame.host, frame.providerName, frame.channels, address);
    else if (frame.type === 'ChannelValues') {
      for (const s of frame.samples) this.#sample(frame.host, s.channelId, s.value, receivedAt);
    }
  }

  result(): RunStatsResult {
    const stats: RunChannelStats[] = [];
    for (const [key, a] of this.#acc) {
      const c = this.#channels.get(key);
      stats.push({
        hostId: a.hostId,
        channelId: a.channelId,
        name: c?.name ?? `Channel ${a.channelId}`,
        unit: c?.unit ?? '',
        min: a.min,
        max: a.max,
        mean: a.sum / a.n,
        samples: a.n,
      });
    }
    return {
      stats,
      channels: [...this.#channels.values()],
      providers: [...this.#providers.values()],
      peakPower: this.#peakPower,
      peakTorque: this.#peakTorque,
      atmosphere: this.#atmosphere(),
      untracked: this.#untracked,
    };
  }

  #learn(
    hostId: number,
    providerName: string,
    records: readonly { channelId: number; name: string; unit: number }[],
    address: string,
  ): void {
    if (!this.#providers.has(hostId)) {
      const hostHex = `0x${hostId.toString(16).toUpperCase().padStart(4, '0')}`;
      this.#providers.set(hostId, { hostId, hostHex, name: providerName, address });
    }
    for (const r of records) {
      const key = keyOf(hostId, r.channelId);
      if (this.#channels.has(key) || this.#channels.size >= MAX_STAT_CHANNELS) continue;
      this.#channels.set(key, {
        hostId,
        channelId: r.channelId,
        name: r.name,
        unit: unitLabel(r.unit),
        quantity: null,
      });
    }
  }

  #sample(hostId: number, channelId: number, value: number, at: number): void {
    if (!Number.isFinite(value)) return;
    const key = keyOf(hostId, channelId);
    let a = this.#acc.get(key);
    if (!a) {
      if (this.#acc.size >= MAX_STAT_CHANNELS) {
        this.#untracked++;
        return;
      }
      a = { hostId, channelId, min: value, max: value, sum: 0, n: 0 };
      this.#acc.set(key, a);
    }
    if (value < a.min) a.min = value;
    if (value > a.max) a.max = value;
    a.sum += value;
    a.n++;
    const c = this.#channels.get(key);
    if (!c) return;
    if (c.quantity === 'rpm') this.#lastRpm.set(hostId, value);
    else if (c.quantity === 'power' && (this.#peakPower === null || value > this.#peakPower.value)) {
      this.#peakPower = { value, unit: c.unit, rpm: this.#lastRpm.get(hostId) ?? null, at };
    } else if (c.quantity === 'torque' && (this.#peakTorque === null || value > this.#peakTorque.value)) {
      this.#peakTorque = { value, unit: c.unit, rpm: this.#lastRpm.get(hostId) ?? null, at };
    }
  }

  #mean(quantity: string): number | null {
    for (const [key, c] of this.#channels) {
      if (c.quantity !== quantity) continue;
      const a = this.#acc.get(key);
      if (a) return a.sum / a.n;
    }
    return null;
  }

  #atmosphere(): RunAtmosphere | null {
    const a = {
      baroKpa: this.#mean('baro'),
      ambientC: this.#mean('ambient_temp'),
      humidityPct: this.#mean('humidity'),
    };
    return a.baroKpa === null && a.ambientC === null && a.humidityPct === null ? null : a;
  }
}
