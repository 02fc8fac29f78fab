import type { CatalogEventView, CatalogView, DataFrame, StreamChannelsChange } from '@jetdrive-hub/client/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, connectViewer, startTestHub, type TestHub, type TestSocket } from '../support/start-test-hub.js';
import { createTestProvider, type TestProvider } from '../support/test-jetdrive-provider.js';
import { until } from '../support/until.js';

// A provider restarts with a new host id and a changed channel set — once by crashing (it just goes silent) and
// once cleanly (ClearChannelInfo first). Afterwards the catalog is right (HTTP and Socket.IO agree), a connected
// viewer was told through catalog:event, and its `*` subscription now streams the new channels.

const NAME = 'Restart Box';
const BEFORE = [
  { channelId: 1, vendor: 0, name: 'Alpha', unit: 8 },
  { channelId: 2, vendor: 0, name: 'Beta', unit: 11 },
  { channelId: 3, vendor: 0, name: 'Gamma', unit: 255 },
];
const AFTER = [
  { channelId: 1, vendor: 0, name: 'Alpha', unit: 8 },
  { channelId: 4, vendor: 0, name: 'Delta', unit: 7 },
];

let t: TestHub;
let viewer: TestSocket;
const events: CatalogEventView[] = [];
const streamChanges: StreamChannelsChange[] = [];
const frames: DataFrame[] = [];

beforeAll(async () => {
  t = await startTestHub({ sim: false, providerTimeoutMs: 600 });
  viewer = await connectViewer(t.url);
  viewer.on('catalog:event', (e) => events.push(e));
  viewer.on('stream:channels', (c) => streamChanges.push(c));
  viewer.on('stream:data', (f) => frames.push(f));
  expect(await command(viewer, 'channel:subscribe', { selectors: ['*'] })).toMatchObject({ ok: true });
});

afterAll(async () => {
  viewer?.close();
  await t?.close();
});

async function announce(hostId: number, channels: typeof BEFORE): Promise<TestProvider> {
  const provider = await createTestProvider({ port: t.jetdrivePort, hostId, name: NAME, channels });
  await provider.sendInfo();
  await provider.sendValues(channels.map((c) => ({ channelId: c.channelId, value: hostId + c.channelId })));
  return provider;
}

async function catalog(): Promise<CatalogView> {
  const result = await command(viewer, 'catalog:get');
  if (!result.ok) throw new Error(result.error.message);
  return result.data as CatalogView;
}

interface StatusBody {
  providers: { provider_id_hex?: string; host_id_hex?: string; name: string; online: boolean; channel_count: number }[];
}

function liveNames(view: CatalogView, hostId: number): string[] {
  return view.channels
    .filter((c) => c.providerId === hostId)
    .map((c) => c.name)
    .sort();
}

describe('a provider restarting with a new host id and other channels', () => {
  it.each([
    ['crashes (goes silent)', 0x1a01, 0x1a02, false],
    ['restarts cleanly (ClearChannelInfo)', 0x1b01, 0x1b02, true],
  ] as const)('%s: the catalog is right and viewers are told', async (_how, oldId, newId, clean) => {
    events.length = 0;
    streamChanges.length = 0;
    const started = performance.now();
    const old = await announce(oldId, BEFORE);
    await until(async () => liveNames(await catalog(), oldId).length === 3, 5_000, 'the first incarnation', 20);
    if (clean) await old.sendClear();
    await old.close();

    const fresh = await announce(newId, AFTER);
    try {
      const keep = setInterval(() => {
        void fresh.sendValues(AFTER.map((c) => ({ channelId: c.channelId, value: newId + c.channelId })));
      }, 100);
      try {
        // Told: the new provider and its channels; the old one cleared with its channels removed (clean), and
        // offline once silent for providerTimeoutMs (a ClearChannelInfo alone also precedes a channel-set change).
        await until(
          () => events.some((e) => e.type === 'provider:offline' && e.provider.hostId === oldId),
          5_000,
          'the old incarnation to be reported offline',
          20,
        );
        const view = await catalog();
        const elapsed = performance.now() - started;
        const online = view.providers.filter((p) => p.online);
        expect(online.map((p) => [p.hostId, p.name])).toEqual([[newId, NAME]]);
        expect(liveNames(view, newId)).toEqual(['Alpha', 'Delta']);
        expect(view.providers.find((p) => p.hostId === oldId)?.online ?? false).toBe(false);
        if (clean) expect(liveNames(view, oldId)).toEqual([]);

        const mine = (type: string, hostId: number) =>
          events.filter(
            (e) => e.type === type && ('provider' in e ? e.provider.hostId : e.channel.providerId) === hostId,
          );
        expect(mine('provider:online', newId)).toHaveLength(1);
        // Added once each (by id: values that overtake their ChannelInfo add a channel as "Channel N", renamed when
        // the ChannelInfo's turn comes; the names are checked on the catalog above).
        expect(
          mine('channel:added', newId)
            .map((e) => ('channel' in e ? e.channel.channelId : -1))
            .sort((a, b) => a - b),
        ).toEqual([1, 4]);
        if (clean) {
          expect(mine('provider:cleared', oldId)).toHaveLength(1);
          expect(
            mine('channel:removed', oldId)
              .map((e) => ('channel' in e ? e.channel.name : ''))
              .sort(),
          ).toEqual(['Alpha', 'Beta', 'Gamma']);
        }

        // HTTP says the same.
        const status = (await (await fetch(`${t.url}/api/jetdrive/status`)).json()) as StatusBody;
        expect(status.providers.filter((p) => p.online).map((p) => [p.name, p.channel_count])).toEqual([[NAME, 2]]);

        // The `*` subscription picked the new channels up and streams them.
        const added = streamChanges.flatMap((c) => c.added).filter((c) => c.providerId === newId);
        // By id: a channel whose values overtook its ChannelInfo is announced as "Channel N", then as renamed.
        expect([...new Set(added.map((c) => c.channelId))].sort((a, b) => a - b)).toEqual([1, 4]);
        const indices = new Set(added.map((c) => c.index));
        await until(
          () => frames.some((f) => f.slice(3).some((_, i) => i % 4 === 0 && indices.has(f[3 + i]))),
          3_000,
          'data of the new channels',
        );
        process.stdout.write(
          `[stress] provider restart (${clean ? 'clean' : 'crash'}): 0x${oldId.toString(16)} → 0x${newId.toString(16)}, ` +
            `3 → 2 channels; catalog right and viewer told after ${elapsed.toFixed(0)} ms ` +
            `(${events.length} catalog events: ${[...new Set(events.map((e) => e.type))].join(', ')})\n`,
        );
      } finally {
        clearInterval(keep);
      }
    } finally {
      await fresh.close();
    }
    // Let the second incarnation go offline before the next case.
    await until(async () => (await catalog()).providers.every((p) => !p.online), 5_000, 'everyone offline', 50);
  });
});
