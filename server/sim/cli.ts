// Standalone simulated dyno: `npm run sim -- --port 22344 --profile m8_114`. Feeds another hub or any JetDrive
// program on this machine (loopback only unless --allow-non-loopback).
import { Command, InvalidArgumentError } from 'commander';
import { isEngineProfileId, PROFILE_IDS } from '../engine/engine-profiles.js';
import type { VeScenario } from '../engine/types.js';
import { createSimulatedDyno, DEFAULT_SIMULATED_DYNO_OPTIONS } from './simulated-dyno.js';

const SCENARIOS: readonly VeScenario[] = ['perfect', 'lean', 'rich', 'custom'];

function number(name: string, min: number, max: number) {
  return (raw: string): number => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max)
      throw new InvalidArgumentError(`${name} must be ${min}–${max}, got ${raw}`);
    return v;
  };
}

const d = DEFAULT_SIMULATED_DYNO_OPTIONS;
const program = new Command()
  .name('jetdrive-sim')
  .description('Simulated Dynojet dyno speaking JetDrive (UDP multicast) on loopback')
  .option('--port <n>', 'UDP port', number('port', 0, 65535), d.port)
  .option('--group <addr>', 'multicast group', d.group)
  .option('--iface <addr>', 'interface address to join on and send from', d.iface)
  .option('--allow-non-loopback', 'allow sending on a real network interface', false)
  .option(
    '--profile <id>',
    `engine profile (${PROFILE_IDS.join(', ')})`,
    (v) => {
      if (!isEngineProfileId(v))
        throw new InvalidArgumentError(`unknown profile ${v}; known: ${PROFILE_IDS.join(', ')}`);
      return v;
    },
    d.profile,
  )
  .option('--rate <hz>', 'dyno ChannelValues per second', number('rate', 1, 10000), d.rateHz)
  .option(
    '--probe-rate <hz>',
    'atmospheric probe ChannelValues per second',
    number('probe-rate', 0.1, 10000),
    d.probeRateHz,
  )
  .option('--seed <n>', 'noise seed (default random)', number('seed', 0, 2 ** 31 - 1))
  .option('--no-auto-pull', 'only pull on demand (Enter key)')
  .option(
    '--auto-pull-interval <s>',
    'seconds between automatic pulls',
    number('auto-pull-interval', 1, 86400),
    d.autoPullIntervalS,
  )
  .option('--scenario <s>', `virtual ECU VE table (${SCENARIOS.join(', ')}); default: perfectly tuned`, (v) => {
    if (!SCENARIOS.includes(v as VeScenario))
      throw new InvalidArgumentError(`scenario must be one of ${SCENARIOS.join(', ')}`);
    return v as VeScenario;
  })
  .option('--drop <pct>', 'fault: drop this % of ChannelValues datagrams', number('drop', 0, 100))
  .option('--duplicate <pct>', 'fault: duplicate this % of ChannelValues datagrams', number('duplicate', 0, 100))
  .option('--reorder <pct>', 'fault: reorder this % of ChannelValues datagrams', number('reorder', 0, 100))
  .option('--delay <ms>', 'fault: delay every ChannelValues datagram', number('delay', 0, 3600000))
  .option('--late-info <ms>', 'fault: withhold ChannelInfo this long after start', number('late-info', 0, 3600000))
  .parse();

const o = program.opts<{
  port: number;
  group: string;
  iface: string;
  allowNonLoopback: boolean;
  profile: (typeof PROFILE_IDS)[number];
  rate: number;
  probeRate: number;
  seed?: number;
  autoPull: boolean;
  autoPullInterval: number;
  scenario?: VeScenario;
  drop?: number;
  duplicate?: number;
  reorder?: number;
  delay?: number;
  lateInfo?: number;
}>();

const sim = createSimulatedDyno({
  port: o.port,
  group: o.group,
  iface: o.iface,
  allowNonLoopback: o.allowNonLoopback,
  profile: o.profile,
  rateHz: o.rate,
  probeRateHz: o.probeRate,
  seed: o.seed,
  autoPull: o.autoPull,
  autoPullIntervalS: o.autoPullInterval,
  faults: {
    dropPct: o.drop,
    duplicatePct: o.duplicate,
    reorderPct: o.reorder,
    delayMs: o.delay,
    lateInfoMs: o.lateInfo,
  },
});

try {
  const status = await sim.start(o.scenario ? { virtualEcu: { enabled: true, scenario: o.scenario } } : {});
  console.log(`simulated dyno (${status.profile?.name}) on ${o.group}:${sim.port} via ${o.iface}, ${o.rate} Hz`);
  for (const p of status.providers)
    console.log(`  provider ${p.name} 0x${p.hostId.toString(16).toUpperCase().padStart(4, '0')}`);
  console.log(o.autoPull ? `  a pull every ${o.autoPullInterval} s; Enter pulls now` : '  press Enter for a pull');
} catch (err) {
  console.error(`cannot start the simulator: ${(err as Error).message}`);
  process.exit(1);
}

if (process.stdin.isTTY) {
  process.stdin.on('data', () => {
    const r = sim.pull();
    console.log(r.ok ? 'pull started' : r.message);
  });
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sim.stop();
  console.log(`${signal}: stopped (ClearChannelInfo sent, socket closed)`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
