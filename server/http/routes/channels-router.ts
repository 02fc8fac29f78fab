import { closedObject } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import type { ChannelRegistry } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { channelJson, discoverChannelJson, resolveAll } from '../channel-json.js';
import { HttpError } from '../http-error.js';
import type { HttpOptions } from '../http-options.js';
import { resolveProviderRef } from '../mapping-refs.js';
import { booleanQuery, samplesQuery, unitsQuery } from '../query-schemas.js';
import { route } from '../route.js';
import type { IngestStatusSource } from '../types.js';

export interface ChannelsRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  options: HttpOptions;
  now: () => number;
  ingestStatus?: IngestStatusSource;
}

/** Why discovery has nothing yet, in this hub's terms (the older system's text spoke of a "live capture"). */
function noChannelData(deps: ChannelsRouterDeps): HttpError {
  const ingest = deps.ingestStatus?.() ?? null;
  const providers = deps.registry.providers().length;
  const where = ingest
    ? ` on ${ingest.groups.join(', ')} port ${ingest.port ?? '?'} (joined on ${
        ingest.joins
          .filter((join) => join.ok)
          .map((join) => join.iface)
          .join(', ') || 'no interface'
      })`
    : '';
  const seen =
    providers === 0
      ? `no JetDrive provider has been heard${where}`
      : `${providers} provider(s) heard${where}, none has announced a channel yet (ChannelInfo)`;
  const hint =
    ingest?.source === 'simulated'
      ? 'the simulated dyno may be stopped: POST /api/jetdrive/simulator/start'
      : 'check that the dyno software is sending JetDrive on this network and that the firewall lets UDP in; /api/jetdrive/status shows the joins';
  return new HttpError('NO_CHANNEL_DATA', `no channel data yet: ${seen}; ${hint}`, {
    details: { source: ingest?.source ?? null, providers_seen: providers, channel_count: 0 },
  });
}

/** GET /api/jetdrive/channels, /channels/unmapped and the older-compatible /hardware/channels/discover. */
export function createChannelsRouter(deps: ChannelsRouterDeps): Router {
  const { registry, mapping, options } = deps;
  const router = new Router({ prefix: '/api/jetdrive' });

  const listQuery = closedObject({
    units: unitsQuery,
    include_hidden: booleanQuery,
    provider: z.string().max(64).optional(),
  });
  const discoverQuery = closedObject({
    units: unitsQuery,
    include_hidden: booleanQuery,
    samples: samplesQuery(options.maxDiscoverSamples),
  });

  router.get(
    '/channels',
    route({ query: listQuery }, (ctx, { query }) => {
      const system: UnitSystem = query.units ?? options.unitSystem;
      // The provider by name or by the host id the API prints (0x43FD, 17405).
      const provider =
        query.provider === undefined
          ? undefined
          : resolveProviderRef(query.provider, registry.catalog(), mapping, 'query.provider');
      const channels = resolveAll(registry, mapping)
        // The catalog lists hidden channels (flagged) unless asked not to; a mapping UI needs them to unhide them.
        .filter(({ resolved }) => (query.include_hidden ?? true) || !resolved.hidden)
        .filter(({ channel }) => provider === undefined || channel.providerName === provider)
        .map(({ channel, resolved }) => channelJson(channel, resolved, system));
      ctx.body = {
        success: true,
        unit_system: system,
        channels,
        count: channels.length,
        timestamp: new Date(deps.now()).toISOString(),
      };
    }),
  );

  router.get(
    '/channels/unmapped',
    route({ query: closedObject({ units: unitsQuery }) }, (ctx, { query }) => {
      const system: UnitSystem = query.units ?? options.unitSystem;
      const channels = resolveAll(registry, mapping)
        .filter(({ resolved }) => resolved.quantity === null && !resolved.hidden)
        .map(({ channel, resolved }) => ({
          ...channelJson(channel, resolved, system),
          best_guess: {
            quantity: resolved.suggestion.candidate,
            confidence: resolved.suggestion.confidence,
            reasons: resolved.suggestion.reasons,
          },
        }));
      ctx.body = { success: true, channels, count: channels.length, timestamp: new Date(deps.now()).toISOString() };
    }),
  );

  router.get(
    '/hardware/channels/discover',
    route({ query: discoverQuery }, (ctx, { query }) => {
      const system: UnitSystem = query.units ?? options.unitSystem;
      const all = resolveAll(registry, mapping);
      // 404 like the older system, in the one error shape (its dashboards only look at the status and `success`).
      if (all.length === 0) throw noChannelData(deps);
      const samples = query.samples ?? options.discoverSamples;
      const channels = all
        .filter(({ resolved }) => query.include_hidden === true || !resolved.hidden)
        .map(({ channel, resolved }) => discoverChannelJson(channel, resolved, registry, system, samples));
      ctx.body = {
        success: true,
        channel_count: channels.length,
        unit_system: system,
        channels,
        timestamp: new Date(deps.now()).toISOString(),
      };
    }),
  );

  return router;
}
