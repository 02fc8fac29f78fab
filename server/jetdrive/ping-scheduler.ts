import type { NodeProvider } from './node-provider.js';

export interface PingSchedulerDeps {
  providers: () => Iterable<NodeProvider>;
  now: () => number;
  /** A provider silent this long goes offline. */
  offlineAfterMs: number;
  /** Clock-sync Ping period per provider. */
  pingIntervalMs: number;
  /** False when passive: offline detection only. */
  canTransmit: boolean;
  ping(p: NodeProvider, t: number): void;
  /** The provider just went offline (already marked). */
  offline(p: NodeProvider, silentMs: number): void;
}

/** The periodic check: marks silent providers offline and pings online ones whose clock-sync Ping is due. */
export class PingScheduler {
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #deps: PingSchedulerDeps;

  constructor(deps: PingSchedulerDeps) {
    this.#deps = deps;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  start(everyMs: number): void {
    this.stop();
    this.#timer = setInterval(() => this.check(), everyMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  check(): void {
    const d = this.#deps;
    const t = d.now();
    for (const p of d.providers()) {
      if (p.online && t - p.lastSeen > d.offlineAfterMs) {
        p.online = false;
        d.offline(p, t - p.lastSeen);
      }
      if (d.canTransmit && p.online && (p.lastPingAt === null || t - p.lastPingAt >= d.pingIntervalMs)) d.ping(p, t);
    }
  }
}
