// Detect dyno pulls: a pull runs while RPM is above a threshold with the throttle above 90 %. When it ends, print
// its peak power and torque (with the RPM they were reached at).
//   npx tsx client-sdk/examples/detect-pull.ts [rpmThreshold=2500]
import { filter, map, scan } from 'rxjs';
import { connectHub, DEFAULT_HUB_URL, type HubSample } from '../src/index.js';

const RPM_THRESHOLD = Number(process.argv[2] ?? 2500);
const WOT_PCT = 90;

interface Peak {
  value: number;
  unit: string;
  rpm: number;
}

interface PullState {
  rpm: number;
  tps: number;
  active: boolean;
  startedAt: number;
  power: Peak | null;
  torque: Peak | null;
  /** Set on the sample that ends a pull. */
  finished: { durationMs: number; power: Peak | null; torque: Peak | null } | null;
}

const initial: PullState = { rpm: 0, tps: 0, active: false, startedAt: 0, power: null, torque: null, finished: null };

function higher(peak: Peak | null, sample: HubSample, rpm: number): Peak {
  return peak && peak.value >= sample.value ? peak : { value: sample.value, unit: sample.unit, rpm };
}

/** One step of the pull state machine; pure, so it is easy to test or reuse in a dashboard. */
export function stepPull(state: PullState, sample: HubSample): PullState {
  const next: PullState = { ...state, finished: null };
  if (sample.quantity === 'rpm') next.rpm = sample.value;
  else if (sample.quantity === 'tps') next.tps = sample.value;
  const inPull = next.rpm > RPM_THRESHOLD && next.tps > WOT_PCT;
  if (inPull && !state.active) return { ...next, active: true, startedAt: sample.time, power: null, torque: null };
  if (!inPull && state.active) {
    return {
      ...next,
      active: false,
      finished: { durationMs: sample.time - state.startedAt, power: state.power, torque: state.torque },
    };
  }
  if (next.active && sample.quantity === 'power') next.power = higher(next.power, sample, next.rpm);
  if (next.active && sample.quantity === 'torque') next.torque = higher(next.torque, sample, next.rpm);
  return next;
}

const hub = connectHub(process.env.JETDRIVE_HUB_URL ?? DEFAULT_HUB_URL);
console.error(`waiting for a pull (RPM > ${RPM_THRESHOLD} with TPS > ${WOT_PCT} %)…`);

hub
  .samples$([{ quantity: 'rpm' }, { quantity: 'tps' }, { quantity: 'power' }, { quantity: 'torque' }])
  .pipe(
    filter((batch) => batch.kind === 'live'),
    map((batch) => batch.samples),
    scan((state, samples) => {
      let current = state;
      let finished = null;
      for (const sample of samples) {
        current = stepPull(current, sample);
        finished ??= current.finished;
      }
      return { ...current, finished };
    }, initial),
    filter((state) => state.finished !== null),
  )
  .subscribe(({ finished }) => {
    if (!finished) return;
    const peak = (name: string, p: Peak | null) =>
      p ? `${name} ${p.value.toFixed(1)} ${p.unit} @ ${p.rpm.toFixed(0)} rpm` : `${name} n/a`;
    console.log(
      `pull: ${(finished.durationMs / 1000).toFixed(1)} s, ${peak('peak power', finished.power)}, ${peak('peak torque', finished.torque)}`,
    );
  });

process.once('SIGINT', () => hub.close());
