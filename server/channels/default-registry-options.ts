export interface RegistryOptions {
  /** Ring age: samples older than this behind the newest are dropped. */
  historyMs: number;
  /** Ring size per channel. */
  historyMax: number;
  maxProviders: number;
  maxChannelsPerProvider: number;
  /**
   * A sample whose provider timestamp is more than this behind the channel's newest is stale (a replayed frame):
   * dropped and counted, never delivered. Reordering on a LAN is far smaller.
   */
  staleWindowMs: number;
  /**
   * When a provider has sent only stale samples for this long, its clock went back (a restart under the same host
   * id): its channels start over from the next sample.
   */
  staleResetMs: number;
  /** Channels of all providers together; beyond it new channels are dropped and counted (`channelsTotal`). */
  maxChannels: number;
  /** Log the channel names a provider sends on its first and then every Nth ChannelValues message (debug). */
  debugLogEvery: number;
}

export const DEFAULT_REGISTRY_OPTIONS: Readonly<RegistryOptions> = Object.freeze({
  historyMs: 10_000,
  historyMax: 2000,
  maxProviders: 64,
  maxChannelsPerProvider: 256,
  staleWindowMs: 1000,
  staleResetMs: 3000,
  maxChannels: 4096,
  debugLogEvery: 100,
});
