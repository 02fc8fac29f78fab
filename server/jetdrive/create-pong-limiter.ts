import { createRateLimiter } from '../shared/create-rate-limiter.js';

// A Pong copies the Ping's echo data, so an unlimited responder is an amplifier: the issue-13 round measured 29,960
// Pongs (40 MiB in 5 s) for as many Pings. Clock sync needs about one Pong per pinging host every few seconds, so a
// small budget per source host plus one shared by all hosts (host ids are free to forge) costs a real node nothing.
// The per-host table is the auth rate limiter's bounded LRU map (pure token buckets, no I/O).

export interface PongLimiterOptions {
  /** Sustained Pongs per second to one host id. */
  perHostPerS: number;
  /** Pongs one host may get at once before the rate applies. */
  perHostBurst: number;
  /** Sustained Pongs per second to all hosts together. */
  totalPerS: number;
  /** Host ids remembered at once; beyond it the least recently seen is forgotten (counted). */
  maxHosts: number;
  /** Pings whose echo data is longer are not answered (real nodes send at most a few bytes). */
  maxEchoBytes: number;
  /**
   * Claim Pings (from host 0): one Pong tells every claiming node our id, so at most one per this period (outside
   * the total budget).
   */
  claimAnswerIntervalMs: number;
}

export const DEFAULT_PONG_LIMITER_OPTIONS: Readonly<PongLimiterOptions> = Object.freeze({
  perHostPerS: 2,
  perHostBurst: 5,
  totalPerS: 50,
  maxHosts: 256,
  maxEchoBytes: 64,
  claimAnswerIntervalMs: 1000,
});

export type PongRefusal = 'perHost' | 'total' | 'oversizeEcho' | 'claim';

export interface PongLimiterStats {
  answered: number;
  /** Pings not answered, by reason. */
  suppressed: Record<PongRefusal, number>;
  /** Hosts currently remembered, and how many were forgotten because the table was full. */
  hosts: number;
  hostsEvicted: number;
}

export interface PongLimiter {
  /**
   * Whether a Ping from `host` (0 = a node claiming an id) carrying `echoBytes` of echo data gets a Pong now:
   * null when it does, else why not (counted in stats).
   */
  refusal(host: number, echoBytes: number, now: number): PongRefusal | null;
  stats(): PongLimiterStats;
}

export function createPongLimiter(options: Partial<PongLimiterOptions> = {}): PongLimiter {
  const o: PongLimiterOptions = { ...DEFAULT_PONG_LIMITER_OPTIONS, ...options };
  const perHost = createRateLimiter({
    ratePerMin: o.perHostPerS * 60,
    burst: o.perHostBurst,
    maxClients: o.maxHosts,
  });
  // One bucket: the total budget, with a burst of one second's worth.
  const total = createRateLimiter({ ratePerMin: o.totalPerS * 60, burst: Math.max(1, o.totalPerS), maxClients: 1 });
  const suppressed: Record<PongRefusal, number> = { perHost: 0, total: 0, oversizeEcho: 0, claim: 0 };
  let answered = 0;
  let lastClaimAnswer = Number.NEGATIVE_INFINITY;

  const refuse = (reason: PongRefusal): PongRefusal => {
    suppressed[reason]++;
    return reason;
  };

  return {
    refusal(host, echoBytes, now) {
      if (echoBytes > o.maxEchoBytes) return refuse('oversizeEcho');
      if (host === 0) {
        // Bounded by its own period, and outside the total budget: a node claiming an id during a flood must still
        // learn ours, or it may pick it.
        if (now - lastClaimAnswer < o.claimAnswerIntervalMs) return refuse('claim');
        lastClaimAnswer = now;
      } else {
        if (!perHost.take(String(host), now).ok) return refuse('perHost');
        if (!total.take('all', now).ok) return refuse('total');
      }
      answered++;
      return null;
    },
    stats() {
      const s = perHost.stats();
      return { answered, suppressed: { ...suppressed }, hosts: s.clients, hostsEvicted: s.evicted };
    },
  };
}
