import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';
import { type DetectorEvent, RunDetector } from './run-detector.js';
import type { RunDetectionOptions } from './run-options.js';

// Which channels the pull detection watches, per provider, found through the quantity mapping: engine rpm (else
// drum speed) and the throttle (the provider's own, else any provider's). Rebuilt when the catalog or the mapping
// changes; the per-sample work is one Set lookup.

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

  constructor(options: RunDetectionOptions) {
    this.#o = options;
  }

  /** Re-reads the catalog; detectors of providers that keep their channels keep their state. */
  rebuild(registry: ChannelRegistry, resolver: QuantityResolver): void {
    const byProvider = new Map<number, { rpm?: string; speed?: string; tps?: string; name: string }>();
    let anyTps: string | null = null;
    registry.forEachChannel((c) => {
      // A replay's providers (server/replay) feed the same registry: a replayed pull is not a new run.
      if (c.providerName.startsWith(REPLAY_PROVIDER_PREFIX)) return;
      const q = resolver.quantityOf(c);
      if (q !== 'rpm' && q !== 'speed' && q !== 'tps') return;
      const p = byProvider.get(c.providerId) ?? { name: c.providerName };
      p[q] ??= c.key;
      byProvider.set(c.providerId, p);
      if (q === 'tps') anyTps ??= c.key;
    });
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
