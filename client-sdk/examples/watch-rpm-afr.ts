// Watch engine speed and front/rear AFR, 10 times a second.
//   npx tsx client-sdk/examples/watch-rpm-afr.ts            (JETDRIVE_HUB_URL=http://host:5001 for another hub)
//   DEBUG=1 npx tsx client-sdk/examples/watch-rpm-afr.ts    (with the SDK's channel debugging)
import { combineLatest, startWith } from 'rxjs';
import { connectHub, DEFAULT_HUB_URL, type HubSample } from '../src/index.js';

const hub = connectHub(process.env.JETDRIVE_HUB_URL ?? DEFAULT_HUB_URL, {
  debug: process.env.DEBUG === '1',
  token: process.env.JETDRIVE_HUB_TOKEN || undefined,
  channelConfig: ['Digital RPM 1', 'Air/Fuel Ratio 1', 'Air/Fuel Ratio 2'],
});

hub.connection$.subscribe((state) => {
  if (state.state !== 'disconnected') console.error(`hub ${state.state}`);
  // A failed connection says why and what to do (unreachable, unauthorized: set JETDRIVE_HUB_TOKEN, wrong parser…).
  else if (state.failure) console.error(`${state.failure.message}; ${state.failure.hint}`);
  else console.error(`hub disconnected: ${state.reason}`);
});

const options = { maxHz: 10 };
const none: HubSample | null = null;
combineLatest({
  rpm: hub.channel$({ quantity: 'rpm' }, options),
  front: hub.channel$({ quantity: 'afr_front' }, options).pipe(startWith(none)),
  rear: hub.channel$({ quantity: 'afr_rear' }, options).pipe(startWith(none)),
}).subscribe(({ rpm, front, rear }) => {
  const afr = (sample: HubSample | null) => (sample ? sample.value.toFixed(2) : '  -  ');
  console.log(`${rpm.value.toFixed(0).padStart(5)} rpm   AFR front ${afr(front)}   rear ${afr(rear)}`);
});

process.once('SIGINT', () => hub.close());
