import { createSocket } from 'node:dgram';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMulticastSender } from '../../../server/transport/create-multicast-sender.js';
import { defaultInterfaces } from '../../../server/transport/default-interfaces.js';
import type { OpenSocketInfo } from '../../../server/transport/udp-datagrams.js';
import { udpDatagrams$ } from '../../../server/transport/udp-datagrams.js';
import type { Datagram } from '../../../server/transport/types.js';
import {
  closeSocket,
  LOOPBACK,
  loopbackMulticast,
  openLoopbackMulticast,
  sendTo,
  TEST_GROUP,
} from '../../support/udp.js';
import { until } from '../../support/until.js';

// Not configured on this machine (TEST-NET-2), so joining on it fails without anything being sent.
const ABSENT_IFACE = '198.51.100.77';

function open(options = loopbackMulticast()) {
  const received: Datagram[] = [];
  let info: OpenSocketInfo | null = null;
  let error: Error | null = null;
  const sub = udpDatagrams$(options, (i) => {
    info = i;
  }).subscribe({ next: (d) => received.push(d), error: (e: Error) => (error = e) });
  return {
    received,
    sub,
    info: () => info as OpenSocketInfo | null,
    error: () => error as Error | null,
  };
}

async function bindExclusive(port: number): Promise<boolean> {
  const probe = createSocket({ type: 'udp4', reuseAddr: false });
  const ok = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.bind({ port, address: '0.0.0.0', exclusive: true }, () => resolve(true));
  });
  await closeSocket(probe);
  return ok;
}

describe('udpDatagrams$', () => {
  it('receives group datagrams on loopback and reports the joins', async () => {
    const r = open();
    const info = await until(r.info, 2000, 'socket open');
    expect(info.joins).toEqual([{ group: TEST_GROUP, iface: LOOPBACK, ok: true }]);
    expect(info.port).toBeGreaterThan(0);
    expect(info.recvBufferSize).toBeGreaterThanOrEqual(1024 * 1024);
    const sender = await openLoopbackMulticast(info.port);
    const before = Date.now();
    await sendTo(sender, new Uint8Array([1, 2, 3]), info.port);
    await sendTo(sender, new Uint8Array([4]), info.port);
    await until(() => r.received.length >= 2, 2000, 'two datagrams');
    expect([...r.received[0].bytes]).toEqual([1, 2, 3]);
    expect([...r.received[1].bytes]).toEqual([4]);
    expect(r.received[0].from).toEqual({ address: LOOPBACK, port: sender.address().port });
    expect(r.received[0].receivedAt).toBeGreaterThanOrEqual(before);
    await closeSocket(sender);
    r.sub.unsubscribe();
  });

  it('closes the socket on teardown: the port can be bound exclusively again', async () => {
    const r = open();
    const { port } = await until(r.info, 2000, 'socket open');
    expect(await bindExclusive(port)).toBe(false);
    r.sub.unsubscribe();
    expect(await bindExclusive(port)).toBe(true);
  });

  it('errors with group, port, interface, OS code and a hint when the bind fails', async () => {
    const holder = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve) => holder.bind({ port: 0, address: '0.0.0.0', exclusive: true }, resolve));
    const port = holder.address().port;
    const error = await firstValueFrom(udpDatagrams$(loopbackMulticast(port))).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`port ${port}`);
    expect(message).toContain(TEST_GROUP);
    expect(message).toContain('interface 0.0.0.0');
    expect(message).toContain('EADDRINUSE');
    expect(message).toMatch(/SO_REUSEADDR/);
    await closeSocket(holder);
  });

  it('reports a failed join and keeps the ones that worked', async () => {
    const r = open({ ...loopbackMulticast(), interfaces: [LOOPBACK, ABSENT_IFACE] });
    const info = await until(r.info, 2000, 'socket open');
    expect(info.joins[0]).toEqual({ group: TEST_GROUP, iface: LOOPBACK, ok: true });
    expect(info.joins[1]).toMatchObject({ group: TEST_GROUP, iface: ABSENT_IFACE, ok: false });
    expect(info.joins[1].error).toMatch(
      new RegExp(`join failed, group ${TEST_GROUP}, port \\d+, interface ${ABSENT_IFACE}: E[A-Z]+`),
    );
    expect(r.error()).toBeNull();
    r.sub.unsubscribe();
  });

  it('errors when every join fails', async () => {
    const error = await firstValueFrom(udpDatagrams$({ ...loopbackMulticast(), interfaces: [ABSENT_IFACE] })).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/no multicast join succeeded on port \d+: join failed.*198\.51\.100\.77/);
  });
});

describe('createMulticastSender', () => {
  it('sends to the group through the loopback interface', async () => {
    const r = open();
    const { port } = await until(r.info, 2000, 'socket open');
    const sender = createMulticastSender(loopbackMulticast(port), [LOOPBACK]);
    sender.send(new Uint8Array([9, 9]));
    sender.send(new Uint8Array([8]));
    await until(() => r.received.length >= 2, 2000, 'datagrams from the sender');
    expect(r.received.map((d) => [...d.bytes])).toEqual([[9, 9], [8]]);
    expect(sender.stats()).toMatchObject({ sent: 2, dropped: 0, errors: {} });
    await sender.close();
    r.sub.unsubscribe();
  });
});

describe('defaultInterfaces', () => {
  it('lists loopback first, then IPv4 addresses only, without duplicates', () => {
    const list = defaultInterfaces();
    expect(list[0]).toBe(LOOPBACK);
    for (const a of list) expect(a).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(new Set(list).size).toBe(list.length);
  });
});
