import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHub, type Hub, type HubSample } from '@jetdrive-hub/client';
import { createIngest, type Ingest } from '../../server/ingest/create-ingest.js';
import { createRealtimeGateway, type RealtimeGateway } from '../../server/realtime/index.js';
import { createTestProvider, type TestProvider } from '../support/test-jetdrive-provider.js';
import { loopbackMulticast } from '../support/udp.js';
import { until } from '../support/until.js';

// The real pipeline: JetDrive datagrams on loopback multicast -> ingest -> channel registry -> gateway -> SDK.

describe('gateway on the real ingest', () => {
  let ingest: Ingest | undefined;
  let gateway: RealtimeGateway | undefined;
  let provider: TestProvider | undefined;
  let hub: Hub | undefined;

  afterEach(async () => {
    hub?.close();
    await provider?.close();
    await gateway?.close();
    await ingest?.stop();
  });

  it('delivers samples of a provider that appears after the subscription, with their JetDrive names', async () => {
    ingest = createIngest({
      multicast: loopbackMulticast(0),
      node: { claimMs: 50, offlineAfterMs: 2_000, checkIntervalMs: 25 },
    });
    await ingest.start();
    const port = ingest.port();
    if (port === null) throw new Error('ingest has no port');
    const httpServer = createServer();
    gateway = createRealtimeGateway({ httpServer, registry: ingest.registry, source: 'live', serverVersion: 'test' });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    hub = connectHub(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
    const received: HubSample[] = [];
    hub.channel$('*RPM*').subscribe((sample) => received.push(sample));
    await until(() => gateway?.stats().subscriptions === 1, 5_000, 'the subscription');

    provider = await createTestProvider({
      port,
      hostId: 0x0202,
      name: 'Power Core',
      channels: [
        { channelId: 42, vendor: 0, name: 'Digital RPM 1', unit: 8 },
        { channelId: 23, vendor: 0, name: 'Air/Fuel Ratio 1', unit: 11 },
      ],
    });
    await provider.sendInfo();
    await until(() => ingest?.registry.getChannel('514:42')?.provisional === false, 5_000, 'the channel info');
    for (const rpm of [2000, 2100, 2200]) {
      await provider.sendValues([
        { channelId: 42, value: rpm },
        { channelId: 23, value: 13.2 },
      ]);
    }
    await until(() => received.length === 3, 5_000, 'three rpm samples');
    expect(received.map((sample) => [sample.channel, sample.unit, sample.value, sample.providerId])).toEqual([
      ['Digital RPM 1', 'RPM', 2000, 0x0202],
      ['Digital RPM 1', 'RPM', 2100, 0x0202],
      ['Digital RPM 1', 'RPM', 2200, 0x0202],
    ]);
  });
});
