// A whole hub (createHub, simulator included) in a child process that also measures its own event-loop delay, so a
// stress test can attack it and read how long the hub's loop was blocked without counting the test's own work.
// Run with `fork(path, [configJson], { execArgv: ['--import', 'tsx/esm'] })`; talks to the parent over IPC
// (see hub-process-protocol.ts).
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import { configSchema } from '../../server/config.js';
import { createHub } from '../../server/hub.js';
import type { DelayFigures, HubProcessCommand, HubProcessMessage, LoopDelay } from './hub-process-protocol.js';

const send = (message: HubProcessMessage): void => {
  process.send?.(message);
};

// 1 ms resolution: the bounds asserted are 10 ms (p99) and 50 ms (max).
const loop = monitorEventLoopDelay({ resolution: 1 });

// The same delays with the time the process did not run taken out: on 2 cores shared with other test runs the OS
// may leave the hub off the CPU for 100+ ms, which no code in the hub can prevent. Each 1 ms tick's delay is capped
// by the process CPU time spent since the previous tick (all threads, GC helpers too: an upper bound on own work).
let work: RecordableHistogram = createHistogram();
let lastWall = performance.now();
let lastCpu = cpuMs();
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
const ticker = setInterval(() => {
  const wall = performance.now();
  const cpu = cpuMs();
  const delay = Math.min(wall - lastWall - 1, cpu - lastCpu);
  work.record(Math.max(1, Math.round(delay * 1e6)));
  lastWall = wall;
  lastCpu = cpu;
}, 1);
ticker.unref();

function figures(h: { count: number; max: number; mean: number; percentile(p: number): number }): DelayFigures {
  const ms = (ns: number): number => ns / 1e6;
  return {
    count: h.count,
    maxMs: ms(h.max),
    p99Ms: ms(h.percentile(99)),
    p50Ms: ms(h.percentile(50)),
    meanMs: ms(h.mean),
  };
}

const readLoop = (): LoopDelay => ({ wall: figures(loop), ownWork: figures(work) });

async function main(): Promise<void> {
  const hub = createHub(configSchema.parse(JSON.parse(process.argv[2] ?? '{}')), { dashboard: false });
  const started = await hub.start();
  loop.enable();
  process.on('message', (command: HubProcessCommand) => {
    switch (command.type) {
      case 'loop:reset':
        loop.reset();
        work = createHistogram();
        send({ type: 'loop', loop: readLoop() });
        return;
      case 'loop:read':
        send({ type: 'loop', loop: readLoop() });
        return;
      case 'stop':
        loop.disable();
        void hub.stop().finally(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => {
    void hub.stop().finally(() => process.exit(0));
  });
  send({ type: 'ready', url: started.url, jetdrivePort: started.jetdrivePort });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
