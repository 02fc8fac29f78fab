// A child process hosting N viewers (Socket.IO through the gateway, or raw ws for the baseline), so that tests and
// the benchmark can pause a viewer for real (SIGSTOP) and measure the server's CPU without the viewers' share.
// Run with `fork(path, args, { execArgv: ['--import', 'tsx/esm'] })`; talks to the parent over IPC.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import WebSocket from 'ws';
import type { DataFrame, Result, SubscribeResult } from '@jetdrive-hub/client/contract';
import { HISTOGRAM_BUCKETS, histogramBucket, type ViewerCommand, type ViewerMessage } from './viewer-protocol.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '1' },
    selectors: { type: 'string', default: '["*"]' },
    parser: { type: 'string', default: 'json' },
    transport: { type: 'string', default: 'socketio' },
    stride: { type: 'string', default: '4' },
  },
});

const url = values.url ?? '';
const clients = Number(values.clients);
const selectors = JSON.parse(values.selectors ?? '["*"]') as string[];
const stride = Number(values.stride);
const send = (message: ViewerMessage) => process.send?.(message);

let frames = 0;
let samples = 0;
let histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Frames carry [streamId, baseTime, basePts, index, dt, value, dPts, ...]: latency = receive time - sample time. */
function onFrame(frame: DataFrame): void {
  const now = epochNow();
  frames++;
  const base = frame[1];
  for (let i = 3; i + stride <= frame.length; i += stride) {
    samples++;
    const latency = now - (base + frame[i + 1]);
    histogram[histogramBucket(latency)]++;
  }
}

const closers: (() => void)[] = [];

async function connectSocketIo(): Promise<void> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(values.parser === 'msgpack' ? { parser: msgpackParser } : {}),
  });
  closers.push(() => socket.disconnect());
  socket.on('stream:data', onFrame);
  socket.on('viewer:lagging', (notice: unknown) => send({ type: 'event', event: 'viewer:lagging', detail: notice }));
  socket.on('viewer:evicted', (notice: unknown) => send({ type: 'event', event: 'viewer:evicted', detail: notice }));
  socket.on('disconnect', (reason) => send({ type: 'event', event: 'disconnect', detail: reason }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const result = await new Promise<Result<SubscribeResult>>((resolve) =>
    socket.emit('channel:subscribe', { selectors }, resolve),
  );
  if (!result.ok) throw new Error(`subscribe failed: ${result.error.message}`);
}

async function connectWs(): Promise<void> {
  const ws = new WebSocket(url);
  closers.push(() => ws.close());
  ws.on('message', (data) => onFrame(JSON.parse(data.toString()) as DataFrame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/**
 * A bench diagnostic, not a dashboard: speaks just enough Engine.IO v4 / Socket.IO v5 over plain ws (open, connect,
 * one subscribe, ping/pong, events) and decodes each stream:data frame with one JSON.parse, as the raw ws viewer
 * does, so the gateway can be measured with viewer-side cost equal to the baseline's.
 */
async function connectEngineIoMinimal(): Promise<void> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  closers.push(() => ws.close());
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('42["stream:data",')) {
        onFrame((JSON.parse(text.slice(2)) as [string, DataFrame])[1]);
      } else if (text === '2') {
        ws.send('3');
      } else if (text.startsWith('0{')) {
        ws.send('40');
      } else if (text.startsWith('40{')) {
        ws.send(`420${JSON.stringify(['channel:subscribe', { selectors }])}`);
      } else if (text.startsWith('430')) {
        const [result] = JSON.parse(text.slice(3)) as [Result<SubscribeResult>];
        if (result.ok) resolve();
        else reject(new Error(`subscribe failed: ${result.error.message}`));
      }
    });
    ws.once('error', reject);
  });
}

async function main(): Promise<void> {
  const connectOne =
    values.transport === 'ws' ? connectWs : values.transport === 'eio-min' ? connectEngineIoMinimal : connectSocketIo;
  for (let started = 0; started < clients; started += 50) {
    await Promise.all(Array.from({ length: Math.min(50, clients - started) }, () => connectOne()));
  }
  send({ type: 'ready', clients });
}

process.on('message', (command: ViewerCommand) => {
  if (command.type === 'stats') {
    send({ type: 'stats', frames, samples, histogram });
    if (command.reset) {
      frames = 0;
      samples = 0;
      histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
    }
  } else {
    for (const close of closers) close();
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
