// Child process of cluster.bench.ts: the bench's JetDrive provider. It sends ChannelInfo (every second) and
// ChannelValues of `channels` channels at `rate` Hz to the loopback group, and never answers a Ping — so the hub
// never maps its clock and stamps each sample with the hub's own receive time (JetDrive times are the receive time
// until a provider's first Pong; an edge gets the ingest node's receive time with each datagram on the stream).
// A viewer's receive time − sample time is then the latency from the ingest node's receive to the viewer, with
// none of a provider's send lag or a clock mapping's error in it. Loopback only, TTL 0 (network safety).
// Run with `fork(path, args, { execArgv: ['--import', 'tsx/esm'] })`; exits when its parent disconnects.
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { buildChannelInfoFrames, buildChannelValuesFrames } from '../../server/protocol/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    group: { type: 'string', default: '224.0.2.10' },
    rate: { type: 'string', default: '50' },
    channels: { type: 'string', default: '17' },
  },
});

const HOST = 0x5e4e;
const INFO_EVERY_MS = 1_000;
const port = Number(values.port);
const group = values.group ?? '224.0.2.10';
const periodMs = 1000 / Number(values.rate);
const channels = Array.from({ length: Number(values.channels) }, (_, i) => ({
  channelId: i + 1,
  vendor: 0,
  name: `Bench ${i + 1}`,
  unit: 0,
}));

const socket = createSocket('udp4');
let seq = 0;

function send(frames: Uint8Array[]): void {
  for (const frame of frames) socket.send(frame);
  seq = (seq + frames.length) & 0xff;
}

const sendInfo = () => send(buildChannelInfoFrames({ host: HOST, seqStart: seq, providerName: 'Bench', channels }));

/** Ticks aimed at absolute times (start + k × period) so the rate holds; each tick stamps its send time. */
function startTicks(): void {
  const started = performance.now();
  let tick = 0;
  const next = (): void => {
    tick++;
    const ts = Date.now() >>> 0;
    const samples = channels.map((c) => ({ channelId: c.channelId, ts, value: Math.sin(tick / 25 + c.channelId) }));
    send(buildChannelValuesFrames({ host: HOST, seqStart: seq, samples }));
    setTimeout(next, Math.max(0, started + (tick + 1) * periodMs - performance.now()));
  };
  next();
}

socket.bind({ address: '127.0.0.1', port: 0 }, () => {
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  socket.connect(port, group, () => {
    sendInfo();
    setInterval(sendInfo, INFO_EVERY_MS);
    startTicks();
    process.send?.({ type: 'ready' });
  });
});
process.on('disconnect', () => process.exit(0));
