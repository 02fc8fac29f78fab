import { closedObject } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import type { ChannelRegistry } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import type { ProviderOverrides } from '../../mapping/channel-override.js';
import { QUANTITIES } from '../../mapping/quantities.js';
import { HttpError } from '../http-error.js';
import { channelRefSchema, mappingPutBodySchema } from '../mapping-input.js';
import { resolveChannelRef, resolveProviderRef } from '../mapping-refs.js';
import { providerNameParam } from '../query-schemas.js';
import { route } from '../route.js';
import { storeStatusJson } from '../store-status-json.js';

export interface MappingRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  now: () => number;
}

const paramsSchema = z.object({ provider: providerNameParam });
const deleteQuerySchema = closedObject({ channel: channelRefSchema.optional() });

type CatalogChannel = ReturnType<ChannelRegistry['catalog']>['channels'][number];

/** One channel of a provider as the mapping page shows it: what it resolves to, its override and the suggestion. */
function channelMappingJson(channel: CatalogChannel, mapping: ChannelMapping) {
  const resolved = mapping.resolve(channel);
  return {
    key: channel.key,
    id: channel.channelId,
    channel_name: channel.name,
    display_name: resolved.displayName,
    unit: resolved.unit,
    unit_label: resolved.unitLabel,
    quantity: resolved.quantity,
    source: resolved.source,
    hidden: resolved.hidden,
    override: resolved.override,
    suggestion: {
      quantity: resolved.suggestion.quantity,
      candidate: resolved.suggestion.candidate,
      confidence: resolved.suggestion.confidence,
      reasons: resolved.suggestion.reasons,
    },
  };
}

/** GET /:provider, and the answer of PUT: the provider's channels, overrides and online state. */
function providerJson(provider: string, deps: MappingRouterDeps) {
  const catalog = deps.registry.catalog();
  const online = catalog.providers.filter((candidate) => candidate.name === provider);
  return {
    success: true,
    provider,
    online: online.some((candidate) => candidate.online),
    provider_ids: online.map((candidate) => candidate.hostHex),
    overrides: deps.mapping.overrides(provider),
    channels: catalog.channels
      .filter((channel) => channel.providerName === provider)
      .map((channel) => channelMappingJson(channel, deps.mapping)),
    timestamp: new Date(deps.now()).toISOString(),
  };
}

/** GET /: every provider online or with overrides, the quantities and the store's state. */
function mappingIndexJson({ registry, mapping }: MappingRouterDeps) {
  const catalog = registry.catalog();
  const names = new Set([...catalog.providers.map((provider) => provider.name), ...mapping.providersWithOverrides()]);
  return {
    success: true,
    quantities: QUANTITIES,
    providers: [...names].sort().map((name) => ({
      name,
      online: catalog.providers.some((provider) => provider.name === name && provider.online),
      channel_count: catalog.channels.filter((channel) => channel.providerName === name).length,
      override_count: Object.keys(mapping.overrides(name)).length,
    })),
    store: storeStatusJson(mapping.storeStatus()),
  };
}

/** The body's channel references as stored names; every reference must resolve (see resolveChannelRef). */
function overridesByName(provider: string, channels: ProviderOverrides, deps: MappingRouterDeps) {
  const catalog = deps.registry.catalog();
  const byName: ProviderOverrides = Object.create(null);
  const resolved: Record<string, string> = Object.create(null);
  const unverified: string[] = [];
  for (const [ref, override] of Object.entries(channels)) {
    const channel = resolveChannelRef(ref, provider, catalog, deps.mapping, `body.channels.${ref}`);
    if (Object.hasOwn(byName, channel.name)) {
      throw new HttpError('VALIDATION_FAILED', `body.channels.${ref}: names channel "${channel.name}" a second time`, {
        field: `body.channels.${ref}`,
      });
    }
    byName[channel.name] = override;
    resolved[ref] = channel.name;
    if (!channel.verified) unverified.push(channel.name);
  }
  return { byName, resolved, unverified };
}

/** GET /api/jetdrive/mapping[/:provider], PUT/DELETE /api/jetdrive/mapping/:provider (operator only). */
export function createMappingRouter(deps: MappingRouterDeps): Router {
  const { registry, mapping } = deps;
  const router = new Router({ prefix: '/api/jetdrive/mapping' });
  const providerOf = (ref: string) => resolveProviderRef(ref, registry.catalog(), mapping);

  router.get(
    '/',
    route({}, (ctx) => {
      ctx.body = mappingIndexJson(deps);
    }),
  );

  router.get(
    '/:provider',
    route({ params: paramsSchema }, (ctx, { params }) => {
      const provider = providerOf(params.provider);
      const known = registry.catalog().providers.some((candidate) => candidate.name === provider);
      if (!known && !mapping.providersWithOverrides().includes(provider)) {
        throw new HttpError('PROVIDER_NOT_FOUND', `no provider named "${provider}" is online or has overrides`, {
          field: 'params.provider',
        });
      }
      ctx.body = providerJson(provider, deps);
    }),
  );

  // Overrides may name a provider that is offline now: a shop configures the probe before plugging it in. Their
  // channel names cannot be checked then, and the answer lists them as unverified.
  router.put(
    '/:provider',
    route({ params: paramsSchema, body: mappingPutBodySchema }, async (ctx, { params, body }) => {
      const provider = providerOf(params.provider);
      const { byName, resolved, unverified } = overridesByName(provider, body.channels, deps);
      await mapping.setOverrides(provider, byName);
      ctx.body = { ...providerJson(provider, deps), resolved_channels: resolved, unverified_channels: unverified };
    }),
  );

  router.delete(
    '/:provider',
    route({ params: paramsSchema, query: deleteQuerySchema }, async (ctx, { params, query }) => {
      const provider = providerOf(params.provider);
      // A stored override is deletable by its name even when its channel has gone from the network.
      const channel =
        query.channel === undefined || Object.hasOwn(mapping.overrides(provider), query.channel)
          ? query.channel
          : resolveChannelRef(query.channel, provider, registry.catalog(), mapping, 'query.channel').name;
      const deleted = await mapping.deleteOverrides(provider, channel);
      if (!deleted) {
        throw new HttpError(
          'OVERRIDE_NOT_FOUND',
          channel === undefined
            ? `provider "${provider}" has no overrides`
            : `provider "${provider}" has no override for channel "${channel}"`,
        );
      }
      ctx.body = { success: true, status: 'deleted', provider, channel: channel ?? null };
    }),
  );

  return router;
}
