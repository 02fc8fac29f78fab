import { createLogger } from '../log.js';
import { encodeFrame } from '../protocol/encode-frame.js';
import type { JetDriveMessage, PingMessage } from '../protocol/types.js';
import { ALL_HOSTS, PING_VERSION } from '../protocol/types.js';
import { u32Clock } from './clock-sync.js';
import type { NodeProvider } from './node-provider.js';
import { hostHex } from './pick-host-id.js';
import type { NodeCounters } from './types.js';

const log = createLogger('jetdrive');

/** Everything the node sends: encoded, numbered with our sequence, counted by type. Silent when it cannot transmit. */
export class NodeTransmitter {
  #seq = 0;
  readonly #send: ((bytes: Uint8Array) => void) | null;
  readonly #counters: NodeCounters;
  readonly #requestInfoIntervalMs: number;

  constructor(send: ((bytes: Uint8Array) => void) | null, counters: NodeCounters, requestInfoIntervalMs: number) {
    this.#send = send;
    this.#counters = counters;
    this.#requestInfoIntervalMs = requestInfoIntervalMs;
  }

  get canTransmit(): boolean {
    return this.#send !== null;
  }

  #transmit(message: JetDriveMessage): void {
    if (this.#send === null) return;
    this.#send(encodeFrame(message));
    this.#counters.sent[message.type] = (this.#counters.sent[message.type] ?? 0) + 1;
  }

  #nextSeq(): number {
    const s = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    return s;
  }

  /** The claim Ping: from host 0 to every host, our nonce as echo. */
  claimPing(nonce: Uint8Array, t: number): void {
    this.#transmit(this.#ping(0, ALL_HOSTS, t, nonce));
  }

  /** A clock-sync Ping to one provider. */
  ping(ourId: number | null, p: NodeProvider, t: number): void {
    if (ourId === null || p.incompatible) return;
    p.lastPingAt = t;
    this.#transmit(this.#ping(ourId, p.hostId, t, new Uint8Array(0)));
  }

  #ping(host: number, destination: number, t: number, echo: Uint8Array): JetDriveMessage {
    return {
      type: 'Ping',
      key: 0x04,
      host,
      seq: this.#nextSeq(),
      destination,
      version: PING_VERSION,
      hostTs: u32Clock(t),
      echo,
    };
  }

  /** Asks a provider for its ChannelInfo, at most once per requestInfoIntervalMs. */
  requestInfo(ourId: number | null, p: NodeProvider, t: number): void {
    if (ourId === null || p.incompatible) return;
    if (p.lastInfoRequestAt !== null && t - p.lastInfoRequestAt < this.#requestInfoIntervalMs) return;
    p.lastInfoRequestAt = t;
    log.debug({ provider: hostHex(p.hostId) }, 'values for channels without ChannelInfo: requesting it');
    this.#transmit({ type: 'RequestChannelInfo', key: 0x06, host: ourId, seq: this.#nextSeq(), destination: p.hostId });
  }

  /** The Pong to a Ping (the caller applied the Pong limits). */
  pong(ourId: number, f: PingMessage, t: number): void {
    this.#transmit({
      type: 'Pong',
      key: 0x05,
      host: ourId,
      seq: this.#nextSeq(),
      destination: f.host,
      version: PING_VERSION,
      hostTs: f.hostTs,
      remoteTs: u32Clock(t),
      echo: f.echo,
    });
  }
}
