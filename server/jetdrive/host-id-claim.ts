import { createLogger } from '../log.js';
import type { DecodedFrame } from '../protocol/types.js';
import { MAX_PING_ECHO_BYTES } from '../protocol/types.js';
import type { IdChangeLimiter } from './create-id-change-limiter.js';
import { hostHex, pickHostId } from './pick-host-id.js';
import type { NodeCounters } from './types.js';

const log = createLogger('jetdrive');

export interface HostIdClaimDeps {
  random: () => number;
  /** How long the claim listens before picking. */
  claimMs: number;
  idChanges: IdChangeLimiter;
  counters: NodeCounters;
  /** Host ids of the providers known now (never picked). */
  knownHosts: () => Iterable<number>;
}

/**
 * Our host id: none (passive, or before the claim) → claiming (a Ping from host 0 to ALL_HOSTS carrying a nonce,
 * then listening about a second for the ids in use) → an id picked among the free ones, changed again only on a
 * collision (at most once per period, see createIdChangeLimiter).
 */
export class HostIdClaim {
  #id: number | null = null;
  #claiming = false;
  readonly #seen = new Set<number>();
  #nonce: Uint8Array | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #wake: (() => void) | null = null;
  readonly #deps: HostIdClaimDeps;

  constructor(deps: HostIdClaimDeps) {
    this.#deps = deps;
  }

  get id(): number | null {
    return this.#id;
  }

  get claiming(): boolean {
    return this.#claiming;
  }

  /** A fixed id instead of a claim. */
  assign(id: number): void {
    this.#id = id;
  }

  /** A frame from `host` arrived: while claiming, that id is taken. */
  noteHost(host: number): void {
    if (this.#claiming && host !== 0) this.#seen.add(host);
  }

  /**
   * Sends the claim Ping (through `sendPing`, with our nonce as echo), listens for claimMs (or until stop), then
   * picks an id unless `stopped()` says the node stopped meanwhile.
   */
  async claim(sendPing: (nonce: Uint8Array) => void, stopped: () => boolean): Promise<void> {
    this.#claiming = true;
    this.#seen.clear();
    // The nonce tells our own claim Ping (looped back) from another node's; 32 random bits are plenty for that.
    const nonce = new Uint8Array(MAX_PING_ECHO_BYTES);
    for (let i = 0; i < nonce.length; i++) nonce[i] = Math.floor(this.#deps.random() * 256);
    this.#nonce = nonce;
    sendPing(nonce);
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, this.#deps.claimMs);
    });
    this.#timer = null;
    this.#wake = null;
    this.#claiming = false;
    if (stopped()) return;
    const taken = new Set<number>([...this.#seen, ...this.#deps.knownHosts()]);
    this.#id = pickHostId(taken, this.#deps.random);
    log.info({ hostId: hostHex(this.#id), hostsSeen: taken.size }, `claimed JetDrive host id ${hostHex(this.#id)}`);
  }

  /** Our own claim Ping, looped back to us. */
  isOwnClaimPing(f: DecodedFrame): boolean {
    const nonce = this.#nonce;
    if (f.type !== 'Ping' || nonce === null || f.echo.length !== nonce.length) return false;
    for (let i = 0; i < nonce.length; i++) if (f.echo[i] !== nonce[i]) return false;
    return true;
  }

  /** Another node sent our id as host and destination: pick a new id, unless it changed too recently. */
  collision(from: { address: string; port: number }, now: number): void {
    if (!this.#deps.idChanges.allow(now, from)) return;
    this.#deps.counters.collisions++;
    const old = this.#id;
    const taken = new Set<number>(this.#deps.knownHosts());
    if (old !== null) taken.add(old);
    this.#id = pickHostId(taken, this.#deps.random);
    log.warn(
      { old: old === null ? null : hostHex(old), new: hostHex(this.#id) },
      `host id collision: another node uses ${old === null ? '?' : hostHex(old)}; now using ${hostHex(this.#id)}`,
    );
  }

  /** Ends a claim in progress (its promise resolves). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#claiming = false;
    this.#wake?.();
  }
}
