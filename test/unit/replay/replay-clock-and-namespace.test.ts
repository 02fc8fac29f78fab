import { describe, expect, it } from 'vitest';
import { channelSelectorSchema } from '@jetdrive-hub/client/contract';
import { normalizeSelector } from '../../../server/realtime/normalize-selectors.js';
import { createNodeCounters } from '../../../server/jetdrive/create-node-counters.js';
import type { JetDriveSink, ProviderChange, ProviderState } from '../../../server/jetdrive/types.js';
import { buildChannelInfoFrames, buildChannelValuesFrames, decodeFrame } from '../../../server/protocol/index.js';
import { catalogPrimer } from '../../../server/replay/catalog-primer.js';
import type { LoadedRun } from '../../../server/replay/load-run-file.js';
import { createNamespacedSink, namespacedHostId } from '../../../server/replay/namespaced-sink.js';
import { ProviderClockRebase } from '../../../server/replay/provider-clock-rebase.js';
import { hostHex } from '../../../server/jetdrive/pick-host-id.js';
import { createJetDriveNode } from '../../../server/jetdrive/create-jetdrive-node.js';
import { Subject } from 'rxjs';
import type { Datagram } from '../../../server/transport/types.js';

const values = (host: number, ts: number, seq = 0) =>
  buildChannelValuesFrames({
    host,
    seqStart: seq,
    samples: [
      { channelId: 1, ts, value: 1 },
      { channelId: 2, ts: ts + 1, value: 2 },
    ],
  })[0];

const timestamps = (bytes: Uint8Array): number[] => {
  const f = decodeFrame(bytes);
  return f.type === 'ChannelValues' ? f.samples.map((s) => s.ts) : [];
};

describe('ProviderClockRebase', () => {
  it('passes timestamps through unchanged until playback jumps', () => {
    const rebase = new ProviderClockRebase();
    const a = values(0x43fd, 1000);
    expect(rebase.apply(a)).toBe(a);
    expect(rebase.apply(values(0x43fd, 1020))).toEqual(values(0x43fd, 1020));
  });

  it('after a jump continues each provider from its last timestamp, keeping the recorded spacing', () => {
    const rebase = new ProviderClockRebase();
    rebase.apply(values(0x43fd, 5000));
    rebase.apply(values(0x1234, 90));
    rebase.jumped();
    const original = values(0x43fd, 1000);
    const copy = original.slice();
    const first = rebase.apply(original);
    expect(timestamps(first)).toEqual([5002, 5003]);
    // The loaded run is replayed again on the next loop: its bytes are never rewritten in place.
    expect(original).toEqual(copy);
    expect(timestamps(rebase.apply(values(0x43fd, 1020)))).toEqual([5022, 5023]);
    // Another provider keeps its own clock.
    expect(timestamps(rebase.apply(values(0x1234, 10)))).toEqual([92, 93]);
  });

  it('wraps at 2^32 and leaves other frames alone', () => {
    const rebase = new ProviderClockRebase();
    rebase.apply(values(0x43fd, 0xffff_fff0));
    rebase.jumped();
    expect(timestamps(rebase.apply(values(0x43fd, 0)))).toEqual([0xffff_fff2, 0xffff_fff3]);
    const info = buildChannelInfoFrames({ host: 0x43fd, providerName: 'Dyno', channels: [] })[0];
    expect(rebase.apply(info)).toBe(info);
    expect(rebase.apply(new Uint8Array([2, 0]))).toEqual(new Uint8Array([2, 0]));
  });

  it('tracks a bounded number of hosts and counts the rest', () => {
    const rebase = new ProviderClockRebase(2);
    rebase.apply(values(1, 0));
    rebase.apply(values(2, 0));
    const third = values(3, 0);
    expect(rebase.apply(third)).toBe(third);
    expect(rebase.untracked).toBe(1);
  });
});

interface Call {
  change: ProviderChange | 'values';
  hostId: number;
  name: string;
}

function recordingSink(calls: Call[]): JetDriveSink {
  return {
    providerChanged: (p, change) => calls.push({ change, hostId: p.hostId, name: p.name }),
    channelInfo: (p) => calls.push({ change: 'updated', hostId: p.hostId, name: p.name }),
    channelsCleared: () => {},
    channelValues: (p) => {
      calls.push({ change: 'values', hostId: p.hostId, name: p.name });
      return false;
    },
  };
}

describe('namespaced sink', () => {
  it('keys a replayed provider by (slot << 16) | host id, prints it as more than 4 hex digits, prefixes its name', () => {
    expect(namespacedHostId(1, 0x43fd)).toBe(0x1_43fd);
    expect(namespacedHostId(255, 0xfffe)).toBe(0xff_fffe);
    expect(hostHex(namespacedHostId(3, 0x43fd))).toBe('0x343FD');
  });

  it('reads the node state through the view, live, and forgets every provider on removeAll', async () => {
    const calls: Call[] = [];
    const sink = createNamespacedSink(recordingSink(calls), 2, 'replay:Pull 3/');
    const datagrams$ = new Subject<Datagram>();
    const node = createJetDriveNode(
      { datagrams$, send: null, sink, counters: createNodeCounters() },
      { passive: true, channelInfoBudgetMs: 1000 },
    );
    await node.start();
    const from = { address: '127.0.0.1', port: 40001 };
    datagrams$.next({ bytes: values(0x43fd, 10), from, receivedAt: 1 });
    datagrams$.next({
      bytes: buildChannelInfoFrames({ host: 0x43fd, providerName: 'Simulated Dyno', channels: [] })[0],
      from,
      receivedAt: 2,
    });
    datagrams$.next({ bytes: values(0x43fd, 30), from, receivedAt: 3 });
    expect(calls[0]).toEqual({ change: 'added', hostId: 0x2_43fd, name: 'replay:Pull 3/Provider 0x43FD' });
    expect(calls.at(-1)).toEqual({ change: 'values', hostId: 0x2_43fd, name: 'replay:Pull 3/Simulated Dyno' });
    const [view] = sink.providers();
    const inner: ProviderState = view.inner;
    expect(view.seq).toBe(inner.seq);
    expect(view.online).toBe(true);
    inner.online = false;
    expect(view.online).toBe(false);
    sink.removeAll();
    expect(calls.at(-1)).toEqual({ change: 'removed', hostId: 0x2_43fd, name: 'replay:Pull 3/Simulated Dyno' });
    expect(sink.providers()).toEqual([]);
    // The node is passive: it has no id and sent nothing.
    expect(node.status()).toMatchObject({ passive: true, hostId: null });
    expect(node.counters.sent).toEqual({});
    node.stop();
  });
});

function runOf(datagrams: LoadedRun['datagrams'], metadata: Record<string, unknown> | null): LoadedRun {
  return { name: null, metadata, startNs: 0n, durationMs: 0, datagrams, indexed: true, skipped: 0 };
}

describe('catalogPrimer', () => {
  const from = { address: '127.0.0.1', port: 40001 };
  const metadata = {
    providers: [{ hostId: 0x43fd, hostHex: '0x43FD', name: 'Simulated Dyno', address: '127.0.0.1' }],
    channels: [
      { hostId: 0x43fd, channelId: 1, name: 'Digital RPM 1', unit: 'RPM', quantity: 'rpm' },
      { hostId: 0x43fd, channelId: 4, name: 'Power', unit: 'kW', quantity: null },
      { hostId: 0x9999, channelId: 1, name: 'Not in the file', unit: 'kW', quantity: null },
      { channelId: 5, name: 'no provider' },
    ],
  };

  it('announces the catalog of providers that sent values before any ChannelInfo, from their recorded address', () => {
    const primer = catalogPrimer(runOf([{ t: 0, bytes: values(0x43fd, 0), from }], metadata));
    expect(primer).toHaveLength(1);
    expect(primer[0].from).toEqual(from);
    expect(decodeFrame(primer[0].bytes)).toMatchObject({
      type: 'ChannelInfo',
      host: 0x43fd,
      providerName: 'Simulated Dyno',
      channels: [
        { channelId: 1, name: 'Digital RPM 1', unit: 8 },
        { channelId: 4, name: 'Power', unit: 4 },
      ],
    });
  });

  it('adds nothing when the file has the ChannelInfo itself, or the metadata has no catalog', () => {
    const info = buildChannelInfoFrames({ host: 0x43fd, providerName: 'Simulated Dyno', channels: [] })[0];
    const withInfo = [
      { t: 0, bytes: info, from },
      { t: 1, bytes: values(0x43fd, 0), from },
    ];
    expect(catalogPrimer(runOf(withInfo, metadata))).toEqual([]);
    expect(catalogPrimer(runOf([{ t: 0, bytes: values(0x43fd, 0), from }], null))).toEqual([]);
    expect(catalogPrimer(runOf([{ t: 0, bytes: values(0x43fd, 0), from }], { channels: 'nonsense' }))).toEqual([]);
  });
});

describe('selecting a replayed provider by id', () => {
  it('takes host ids above 16 bits, as numbers and as hex', () => {
    const id = namespacedHostId(1, 0x43fd);
    expect(normalizeSelector({ provider: hostHex(id) })).toBe(`p#${id}`);
    expect(normalizeSelector({ provider: '0x43fd' })).toBe(`p#${0x43fd}`);
    expect(channelSelectorSchema.safeParse({ provider: id }).success).toBe(true);
    expect(channelSelectorSchema.safeParse({ provider: hostHex(id) }).success).toBe(true);
  });
});
