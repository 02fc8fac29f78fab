import type { CatalogEvent, ChannelMeta, ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { type DetectorEvent, RunDetector } from './run-detector.js';
import type { RunDetectionOptions } from './run-options.js';

// Which channels the pull detection watches, per provider, found through the quantity mapping: engine rpm (else
// drum speed) and the throttle (the provider's own, else any provider's). Each channel's quantity is judged once, when
// it is added or renamed (catalog events, whose ChannelInfo runs within the node's time budget), or again for all
// when the mapping changes; a rebuild then only walks the few rpm / speed / throttle channels. Re-judging every channel
// on each catalog change cost ~20 ms per rebuild during a ChannelInfo flood. The per-sample work is one Set lookup.

interface Watch {
  providerId: number;
  providerName: string;
  levelKey: string;
  tpsKey: string | null;
  detector: RunDetector;
  level: number | null;
}

/** Providers a replay namespaces (`replay:<run name>/<provider>`). */
const REPLAY_PROVIDER_PREFIX = 'replay:';

export type PullEvent = DetectorEvent & { providerId: number; providerName: string };

export class PullWatch {
  readonly #o: RunDetectionOptions;
  #watches = new Map<number, Watch>();
  #keys = new Set<string>();
  readonly #latest = new Map<string, number>();
  /** Channels measuring rpm, speed or throttle, by key: at most one entry per registry channel. */
  readonly #candidates = new Map<string, { providerId: number; quantity: 'rpm' | 'speed' | 'tps' }>();

  constructor(options: RunDetectionOptions) {
    this.#o = options;
  }

  /** A channel added, renamed or removed: judged once, here. */
  onEvent(e: CatalogEvent, resolver: QuantityResolver): void {
    if (e.type === 'channel:added' || e.type === 'channel:renamed') this.#judge(e.channel, resolver);
    else if (e.type === 'channel:removed') this.#candidates.delete(e.channel.key);
  }

  /** Every channel judged again (the mapping changed). */
  judgeAll(registry: ChannelRegistry, resolver: QuantityResolver): void {
    this.#candidates.clear();
    registry.forEachChannel((c) => this.#judge(c, resolver));
  }

  #judge(c: Readonly<ChannelMeta>, resolver: QuantityResolver): void {
    const q = resolver.quantityOf(c);
    if (q === 'rpm' || q === 'speed' || q === 'tps')
      this.#candidates.set(c.key, { providerId: c.providerId, quantity: q });
    else this.#candidates.delete(c.key);
  }

  /** Watches from the candidates; detectors of providers that keep their channels keep their state. */
  rebuild(registry: ChannelRegistry): void {
    const byProvider = new Map<number, { rpm?: string; speed?: string; tps?: string; name: string }>();
    let anyTps: string | null = null;
    for (const [key, { providerId, quantity: q }] of this.#candidates) {
      const c = registry.getChannel(key);
      // A replay's providers (server/replay) feed the same registry: a replayed pull is not a new run.
      if (!c || c.providerName.startsWith(REPLAY_PROVIDER_PREFIX)) continue;
      const p = byProvider.get(providerId) ?? { name: c.providerName };
      p[q] ??= key;
      byProvider.set(providerId, p);
      if (q === 'tps') anyTps ??= key;
    }
    const next = new Map<number, Watch>();
    for (const [providerId, p] of byProvider) {
      const levelKey = p.rpm ?? p.speed;
      if (levelKey === undefined) continue;
      const tpsKey = p.tps ?? anyTps;
      const old = this.#watches.get(providerId);
      if (old && old.levelKey === levelKey && old.tpsKey === tpsKey) {
        next.set(providerId, old);
        continue;
      }
      const o = this.#o;
      const thresholds = p.rpm
        ? { startLevel: o.startRpm, minRisePerS: o.minRiseRpmPerS, decelPerS: o.decelRpmPerS }
        : { startLevel: o.startSpeedKmh, minRisePerS: o.minRiseKmhPerS, decelPerS: o.decelKmhPerS };
      next.set(providerId, {
        providerId,
        providerName: p.name,
        levelKey,
        tpsKey,
        detector: new RunDetector(o, thresholds),
        level: null,
      });
    }
    this.#watches = next;
    this.#keys = new Set([...next.values()].flatMap((w) => (w.tpsKey ? [w.levelKey, w.tpsKey] : [w.levelKey])));
    for (const key of this.#latest.keys()) if (!this.#keys.has(key)) this.#latest.delete(key);
  }

  /** One datagram's samples (the registry's columns); returns what the provider's detector saw, if anything. */
  feed(providerId: number, at: number, count: number, keys: readonly string[], values: Float32Array): PullEvent | null {
    if (this.#keys.size === 0) return null;
    for (let i = 0; i < count; i++) if (this.#keys.has(keys[i])) this.#latest.set(keys[i], values[i]);
    const w = this.#watches.get(providerId);
    if (!w) return null;
    const level = this.#latest.get(w.levelKey);
    if (level === undefined) return null;
    const tps = w.tpsKey === null ? null : (this.#latest.get(w.tpsKey) ?? null);
    const e = w.detector.update(at, level, tps);
    return e ? { ...e, providerId, providerName: w.providerName } : null;
  }

  /** Ends every detector's pull (a manual stop or a failure ended the recording). */
  resetAll(): void {
    for (const w of this.#watches.values()) w.detector.reset();
  }

  get providers(): number {
    return this.#watches.size;
  }
}
