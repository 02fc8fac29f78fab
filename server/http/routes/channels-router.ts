import Router from '@koa/router';
import { z } from 'zod';
import type { ChannelRegistry } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { channelJson, discoverChannelJson, resolveAll } from '../channel-json.js';
import type { HttpOptions } from '../http-options.js';
import { booleanQuery, samplesQuery, unitsQuery } from '../query-schemas.js';
import { validateQuery } from '../validate.js';

export interface ChannelsRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  options: HttpOptions;
  now: () => number;
}

/** GET /api/jetdrive/channels, /channels/unmapped and the older-compatible /hardware/channels/discover. */
export function createChannelsRouter(deps: ChannelsRouterDeps): Router {
  const { registry, mapping, options } = deps;
  const router = new Router({ prefix: '/api/jetdrive' });

  const listQuery = z
    .object({ units: unitsQuery, include_hidden: booleanQuery, provider: z.string().max(64).optional() })
    .strict();
  const discoverQuery = z
    .object({ units: unitsQuery, include_hidden: booleanQuery, samples: samplesQuery(options.maxDiscoverSamples) })
    .strict();

  router.get('/channels', (ctx) => {
    const query = validateQuery(listQuery, ctx);
    const system: UnitSystem = query.units ?? options.unitSystem;
    const channels = resolveAll(registry, mapping)
      // The catalog lists hidden channels (flagged) unless asked not to; a mapping UI needs them to unhide them.
      .filter(({ resolved }) => (query.include_hidden ?? true) || !resolved.hidden)
      .filter(({ channel }) => query.provider === undefined || channel.providerName === query.provider)
      .map(({ channel, resolved }) => channelJson(channel, resolved, system));
    ctx.body = {
      success: true,
      unit_system: system,
      channels,
      count: channels.length,
      timestamp: new Date(deps.now()).toISOString(),
    };
  });

  router.get('/channels/unmapped', (ctx) => {
    const query = validateQuery(z.object({ units: unitsQuery }).strict(), ctx);
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
  });

  router.get('/hardware/channels/discover', (ctx) => {
    const query = validateQuery(discoverQuery, ctx);
    const system: UnitSystem = query.units ?? options.unitSystem;
    const all = resolveAll(registry, mapping);
    if (all.length === 0) {
      // The older system's exact 404 shape, which its dashboards test for.
      ctx.status = 404;
      ctx.body = {
        success: false,
        error: 'No channel data available. Start live capture first.',
        channel_count: 0,
        channels: [],
      };
      return;
    }
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
  });

  return router;
}
