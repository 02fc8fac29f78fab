import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningScript, runTsScript } from '../support/run-ts-script.js';
import { sleep, until } from '../support/until.js';

// Two hosts on one machine: network namespaces made here, joined by a veth pair, removed afterwards. The shop's
// commonest fault is the hub joining the group on the wrong NIC; this shows that JETDRIVE_IFACE picks the NIC, and
// that a hub joined elsewhere hears nothing. Nothing here touches the machine's own interfaces.

const tag = `${process.pid % 10_000}`;
const HUB_NS = `jdhub-a${tag}`;
const DYNO_NS = `jdhub-b${tag}`;
const HUB_ADDR = '10.213.7.1';
const DYNO_ADDR = '10.213.7.2';
const PORT = 22344;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNamespaces(): void {
  for (const ns of [HUB_NS, DYNO_NS]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not there
    }
  }
}

function inNamespace(ns: string, script: string, args: string[]): RunningScript {
  return runTsScript(script, args, { LOG_LEVEL: 'info', LOG_JSON: '1', VITEST: '' }, ['ip', 'netns', 'exec', ns]);
}

describe('interface selection across two network namespaces', () => {
  const procs: RunningScript[] = [];
  let dataDir = '';

  beforeAll(async () => {
    removeNamespaces();
    try {
      ip('netns', 'add', HUB_NS);
      ip('netns', 'add', DYNO_NS);
    } catch (err) {
      throw new Error(`creating network namespaces needs root and iproute2 (CI runs as root): ${String(err)}`);
    }
    ip('link', 'add', `vh${tag}`, 'netns', HUB_NS, 'type', 'veth', 'peer', 'name', `vd${tag}`, 'netns', DYNO_NS);
    for (const [ns, dev, addr] of [
      [HUB_NS, `vh${tag}`, HUB_ADDR],
      [DYNO_NS, `vd${tag}`, DYNO_ADDR],
    ]) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up', 'multicast', 'on');
    }
    dataDir = await mkdtemp(join(tmpdir(), 'jd-netns-'));
  });

  afterAll(async () => {
    for (const p of procs) p.proc.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.finished));
    removeNamespaces();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a hub joined on loopback only hears nothing; joined on the dyno-side NIC it sees the dyno', async () => {
    const hubArgs = (iface: string, name: string) => [
      '--no-sim',
      '--iface',
      iface,
      '--jetdrive-port',
      String(PORT),
      '--port',
      '0',
      '--data-dir',
      join(dataDir, name),
    ];
    // The simulated dyno on the other "host", sending on its veth (explicitly allowed off loopback).
    const dyno = inNamespace(DYNO_NS, 'server/sim/cli.ts', [
      '--port',
      String(PORT),
      '--iface',
      DYNO_ADDR,
      '--allow-non-loopback',
      '--rate',
      '20',
    ]);
    procs.push(dyno);
    await until(() => /simulated dyno started/.test(dyno.stdout()), 20_000, 'the simulated dyno');

    // One at a time: Linux delivers a group joined by any socket on a NIC to every socket bound to the port
    // (IP_MULTICAST_ALL), so the wrong hub is judged alone.
    const wrong = inNamespace(HUB_NS, 'server/main.ts', hubArgs('127.0.0.1', 'wrong'));
    procs.push(wrong);
    await until(() => /listening on/.test(wrong.stdout()), 20_000, 'the hub joined on loopback');
    await sleep(2500);
    expect(wrong.stdout()).not.toMatch(/provider:online/);
    wrong.proc.kill('SIGTERM');
    expect((await wrong.finished).code).toBe(0);

    const right = inNamespace(HUB_NS, 'server/main.ts', hubArgs(HUB_ADDR, 'right'));
    procs.push(right);
    await until(() => /listening on/.test(right.stdout()), 20_000, 'the hub joined on the veth');
    expect(right.stdout()).toContain(`joined 224.0.2.10 on ${HUB_ADDR}`);
    const fromDyno = new RegExp(`new JetDrive host 0x[0-9A-F]+ at ${DYNO_ADDR.replaceAll('.', '\\.')}`);
    await until(() => fromDyno.test(right.stdout()), 15_000, 'the dyno on the right NIC');
    // Joined mid-stream: the names come from the RequestChannelInfo the hub sends across to the dyno's host.
    await until(() => /Simulated Dyno: 16 channels mapped/.test(right.stdout()), 10_000, 'its channel info');
  });
});
