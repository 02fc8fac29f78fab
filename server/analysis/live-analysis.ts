import type {
  AnalysisChannels,
  AnalysisLoad,
  AnalysisRunState,
  AnalysisSettings,
  AnalysisSource,
  AnalysisStatus,
  AnalysisSummary,
} from '@jetdrive-hub/client/contract';
import type { Observable, Subscription } from 'rxjs';
import type { SampleBatch } from '../channels/index.js';
import { type AnalysisSample, VeAnalysis } from '../tuning/index.js';
import type { AnalysisTables } from './analysis-tables.js';
import { bankTablesFor, coreSettingsOf } from './analysis-tables.js';

export interface LiveAnalysisOptions {
  id: string;
  name: string;
  provider: { hostId: number; name: string };
  load: AnalysisLoad;
  channels: AnalysisChannels;
  settings: AnalysisSettings;
  tables: AnalysisTables;
  /** Any stream of sample batches: the live registry's, or an offline feed of recorded runs. */
  samples$: Observable<SampleBatch>;
  now: () => number;
  /** 'runs': fed from the run library; its runs' states for the summary. Default live. */
  source?: AnalysisSource;
  runs?: () => AnalysisRunState[];
}

/**
 * One analysis fed from a stream of sample batches. The channels of one provider are folded into one reading per
 * provider timestamp that carries an rpm sample (what a datagram holds: every channel at one time), with the latest
 * value of every other input; a bank's reading older than maxGapMs counts as missing. O(1) per record.
 */
export class LiveAnalysis {
  readonly id: string;
  readonly name: string;
  readonly load: AnalysisLoad;
  readonly settings: AnalysisSettings;
  readonly tables: AnalysisTables;
  readonly core: VeAnalysis;
  readonly createdAt: number;
  readonly source: AnalysisSource;
  readonly #runs: () => AnalysisRunState[];
  #status: AnalysisStatus = 'running';
  #provider: { hostId: number; name: string };
  #channels: AnalysisChannels;
  /** Times the analysis followed its provider to a new host id (a restarted dyno). */
  #rebinds = 0;
  #stoppedAt: number | null = null;
  #sub: Subscription | null;
  readonly #now: () => number;
  readonly #sample: AnalysisSample & { afr: Float64Array };
  readonly #afrT: Float64Array;
  /** The latest reading per bank; the sample gets a copy with stale banks as NaN. */
  readonly #latestAfr: Float64Array;
  readonly #afrScale: Float64Array;
  #loadT = Number.NEGATIVE_INFINITY;

  constructor(o: LiveAnalysisOptions) {
    this.id = o.id;
    this.name = o.name;
    this.#provider = o.provider;
    this.load = o.load;
    this.#channels = o.channels;
    this.settings = o.settings;
    this.tables = o.tables;
    this.#now = o.now;
    this.createdAt = o.now();
    this.source = o.source ?? 'live';
    this.#runs = o.runs ?? (() => []);
    const banks = o.channels.banks.length;
    this.core = new VeAnalysis({
      axes: o.tables.axes,
      veTable: o.tables.veTable,
      bankVeTables: bankTablesFor(
        o.tables,
        o.channels.banks.map((b) => b.name),
      ),
      afrTarget: o.tables.afrTarget,
      banks,
      settings: coreSettingsOf(o.settings),
    });
    this.#sample = {
      t: 0,
      rpm: Number.NaN,
      load: Number.NaN,
      tps: Number.NaN,
      engineTempC: Number.NaN,
      afr: new Float64Array(banks).fill(Number.NaN),
    };
    this.#afrT = new Float64Array(banks).fill(Number.NEGATIVE_INFINITY);
    this.#latestAfr = new Float64Array(banks).fill(Number.NaN);
    // Lambda readings become AFR at the stoichiometric ratio.
    this.#afrScale = Float64Array.from(o.channels.banks, (b) =>
      b.quantity.startsWith('lambda') ? o.settings.stoichAfr : 1,
    );
    this.#sub = o.samples$.subscribe((batch) => this.#onBatch(batch));
  }

  get status(): AnalysisStatus {
    return this.#status;
  }

  get provider(): { hostId: number; name: string } {
    return this.#provider;
  }

  get channels(): AnalysisChannels {
    return this.#channels;
  }

  get rebinds(): number {
    return this.#rebinds;
  }

  /**
   * Follows the provider to a new host id (it restarted): the same banks, read from its new channels. The grid is
   * kept; the new provider's first readings count as missing history until the lag ring has refilled.
   */
  rebind(provider: { hostId: number; name: string }, channels: AnalysisChannels): void {
    const banks = (c: AnalysisChannels) => c.banks.map((b) => `${b.name}:${b.quantity}`).join(',');
    if (banks(channels) !== banks(this.#channels)) return;
    this.#provider = provider;
    this.#channels = channels;
    this.#rebinds++;
  }

  stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = null;
    if (this.#status === 'stopped') return;
    this.#status = 'stopped';
    this.#stoppedAt = this.#now();
  }

  reset(): void {
    this.core.reset();
  }

  /** An offline analysis whose queued runs are all fed: stopped, its stream kept for runs added later. */
  finish(): void {
    if (this.#status === 'stopped') return;
    this.#status = 'stopped';
    this.#stoppedAt = this.#now();
  }

  /** An offline analysis given more runs: running again while they are fed. */
  resume(): void {
    if (this.#sub === null) return;
    this.#status = 'running';
    this.#stoppedAt = null;
  }

  /**
   * Forgets the latest readings (a new run starts): its first readings do not borrow the previous run's throttle,
   * temperature or AFR.
   */
  clearReadings(): void {
    const s = this.#sample;
    s.rpm = Number.NaN;
    s.load = Number.NaN;
    s.tps = Number.NaN;
    s.engineTempC = Number.NaN;
    this.#afrT.fill(Number.NEGATIVE_INFINITY);
    this.#latestAfr.fill(Number.NaN);
    this.#loadT = Number.NEGATIVE_INFINITY;
  }

  summary(): AnalysisSummary {
    return {
      id: this.id,
      name: this.name,
      status: this.#status,
      provider: { ...this.provider },
      load: this.load,
      settings: { ...this.settings },
      channels: { ...this.channels, banks: this.channels.banks.map((b) => ({ ...b })) },
      counts: this.core.counts(),
      createdAt: this.createdAt,
      stoppedAt: this.#stoppedAt,
      veTableSource: this.tables.source,
      bankVeTables: this.channels.banks.map((b) => b.name).filter((n) => this.tables.bankVeTables.has(n)),
      source: this.source,
      runs: this.#runs(),
    };
  }

  #onBatch(batch: SampleBatch): void {
    if (batch.providerId !== this.provider.hostId) return;
    const ch = this.channels;
    const s = this.#sample;
    let t = Number.NaN;
    let rpmSeen = false;
    for (let i = 0; i < batch.count; i++) {
      const time = batch.times[i];
      if (time !== t) {
        if (rpmSeen) this.#emit(t);
        rpmSeen = false;
        t = time;
      }
      const key = batch.keys[i];
      const v = batch.values[i];
      if (key === ch.rpm) {
        s.rpm = v;
        rpmSeen = true;
      } else if (key === ch.load) {
        s.load = v;
        this.#loadT = time;
      } else if (key === ch.tps) s.tps = v;
      else if (key === ch.engineTemp) s.engineTempC = v;
      else this.#bank(key, v, time);
    }
    if (rpmSeen) this.#emit(t);
  }

  #bank(key: string, v: number, time: number): void {
    const banks = this.channels.banks;
    for (let b = 0; b < banks.length; b++) {
      if (banks[b].key !== key) continue;
      this.#latestAfr[b] = v * this.#afrScale[b];
      this.#afrT[b] = time;
      return;
    }
  }

  #emit(t: number): void {
    const s = this.#sample;
    const maxGap = this.core.settings.maxGapMs;
    const latest = this.#latestAfr;
    // A load or bank reading that stopped coming is missing, not frozen at its last value.
    for (let b = 0; b < latest.length; b++) s.afr[b] = t - this.#afrT[b] > maxGap ? Number.NaN : latest[b];
    const load = s.load;
    if (t - this.#loadT > maxGap) s.load = Number.NaN;
    s.t = t;
    this.core.push(s);
    s.load = load;
  }
}
