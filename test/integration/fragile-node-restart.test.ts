import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelInfoRecord } from '../../server/protocol/types.js';
import { type StartedIngest, startLoopbackIngest } from '../support/start-loopback-ingest.js';
import { createTestProvider, type TestProvider } from '../support/test-jetdrive-provider.js';
import { loopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// Dynojet's reference library throws on a Ping with more than 5 echo bytes, and the exception ends its receive loop
// for good. A hub restart sends a host-id claim Ping to every node; if that Ping were too long, every such node
// would go deaf: no answer to RequestChannelInfo (channels stay provisional) and no Pong (no clock sync).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const HOST = 0x0c51;
const CHANNELS: ChannelInfoRecord[] = [
  { channelId: 1, vendor: 0, name: 'Digital RPM 1', unit: 8 },
  { channelId: 2, vendor: 0, name: 'Force Drum 1', unit: 3 },
];

async function hubOn(port: number): Promise<StartedIngest> {
  const started = await startLoopbackIngest({ multicast: loopbackMulticast(port), node: { offlineAfterMs: 5000 } });
  cleanups.push(() => started.ingest.stop());
  return started;
}

/** The provider streams values (never its ChannelInfo on its own): names come only from RequestChannelInfo. */
async function seesNamesAndClock(hub: StartedIngest, provider: TestProvider): Promise<void> {
  await until(
    async () => {
      await provider.sendValues([
        { channelId: 1, value: 3000 },
        { channelId: 2, value: 150 },
      ]);
      const named = hub.ingest.registry.getChannel(`${HOST}:1`)?.provisional === false;
      const node = hub.ingest.node.providers().find((p) => p.hostId === HOST);
      return named && node?.clock.synced === true;
    },
    5000,
    'channel names and clock sync from the fragile provider',
  );
}

describe('a node that dies on long Ping echo data', () => {
  it('keeps hearing the network across a hub restart: names stay, clock sync comes back', async () => {
    const first = await hubOn(0);
    const provider = await createTestProvider({
      port: first.port,
      hostId: HOST,
      name: 'Reference Library Node',
      channels: CHANNELS,
      deafOnPingEchoOver: 5,
    });
    cleanups.push(() => provider.close());
    await seesNamesAndClock(first, provider);

    await first.ingest.stop();
    const second = await hubOn(first.port);
    // The restarted hub's claim Ping reached the provider (it saw a Ping from host 0).
    await until(() => provider.received.some((f) => f.type === 'Ping' && f.host === 0), 2000, 'the claim Ping');
    await seesNamesAndClock(second, provider);

    expect(provider.deaf()).toBe(false);
    for (const f of provider.received) if (f.type === 'Ping') expect(f.echo.length).toBeLessThanOrEqual(4);
    expect(second.ingest.registry.getChannel(`${HOST}:2`)?.name).toBe('Force Drum 1');
  });
});
