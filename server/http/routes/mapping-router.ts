import Router from '@koa/router';
import { z } from 'zod';
import type { ChannelRegistry } from '../../channels/types.js';
import type { ChannelMapping } from '../../mapping/channel-mapping.js';
import { MAX_CHANNEL_NAME_LENGTH, providerOverridesSchema } from '../../mapping/channel-override.js';
import { QUANTITIES } from '../../mapping/quantities.js';
import { HttpError } from '../http-error.js';
import { providerNameParam } from '../query-schemas.js';
import { storeStatusJson } from '../store-status-json.js';
import { validateBody, validateParams, validateQuery } from '../validate.js';

export interface MappingRouterDeps {
  registry: ChannelRegistry;
  mapping: ChannelMapping;
  now: () => number;
}

const paramsSchema = z.object({ provider: providerNameParam });
const putBodySchema = z.object({ channels: providerOverridesSchema }).strict();
const deleteQuerySchema = z.object({ channel: z.string().min(1).max(MAX_CHANNEL_NAME_LENGTH).optional() }).strict();

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

/** GET /api/jetdrive/mapping[/:provider], PUT/DELETE /api/jetdrive/mapping/:provider (operator only). */
export function createMappingRouter(deps: MappingRouterDeps): Router {
  const { registry, mapping } = deps;
  const router = new Router({ prefix: '/api/jetdrive/mapping' });
  const providerView = (provider: string) => providerJson(provider, deps);

  router.get('/', (ctx) => {
    ctx.body = mappingIndexJson(deps);
  });

  router.get('/:provider', (ctx) => {
    const { provider } = validateParams(paramsSchema, ctx.params);
    const known = registry.catalog().providers.some((candidate) => candidate.name === provider);
    if (!known && mapping.providersWithOverrides().indexOf(provider) < 0) {
      throw new HttpError('PROVIDER_NOT_FOUND', `no provider named "${provider}" is online or has overrides`);
    }
    ctx.body = providerView(provider);
  });

  // Overrides may name a provider that is offline now: a shop configures the probe before plugging it in.
  router.put('/:provider', async (ctx) => {
    const { provider } = validateParams(paramsSchema, ctx.params);
    const body = validateBody(putBodySchema, ctx);
    await mapping.setOverrides(provider, body.channels);
    ctx.body = providerView(provider);
  });

  router.delete('/:provider', async (ctx) => {
    const { provider } = validateParams(paramsSchema, ctx.params);
    const { channel } = validateQuery(deleteQuerySchema, ctx);
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
  });

  return router;
}
