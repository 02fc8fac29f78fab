import { Subject } from 'rxjs';
import { type AnalysisRegistryOptions, createAnalysisRegistry } from '../../server/analysis/analysis-registry.js';
import type {
  CatalogEvent,
  CatalogSnapshot,
  ChannelMeta,
  ProviderSnapshot,
  SampleBatch,
} from '../../server/channels/index.js';

// An analysis registry over a hand-made catalog: one provider ("Power Core") with rpm, AFR front/rear, MAP and TPS
// (no engine temperature), its sample batches and catalog events driven by the test.

export const HOST = 0x43fd;
export const QUANTITIES: Readonly<Record<string, string>> = {
  1: 'rpm',
  8: 'afr_front',
  9: 'afr_rear',
  11: 'map',
  12: 'tps',
};

export const channelsOf = (host: number): ChannelMeta[] =>
  Object.keys(QUANTITIES).map(
    (id) => ({ key: `${host}:${id}`, providerId: host, channelId: Number(id) }) as ChannelMeta,
  );

export const providerOf = (hostId: number, online = true) =>
  ({ hostId, name: 'Power Core', online }) as ProviderSnapshot;

export function fakeAnalysisRegistry(options: Partial<AnalysisRegistryOptions> = {}) {
  const samples$ = new Subject<SampleBatch>();
  const events$ = new Subject<CatalogEvent>();
  const state = { providers: [providerOf(HOST)], channels: channelsOf(HOST) };
  const r = createAnalysisRegistry({
    registry: {
      samples$,
      events$,
      providers: () => state.providers,
      catalog: () => ({ version: 1, providers: state.providers, channels: state.channels }) as CatalogSnapshot,
    },
    quantityOf: (c) => QUANTITIES[c.channelId] ?? null,
    options,
  });
  return Object.assign(r, { state, events$, samples$ });
}
