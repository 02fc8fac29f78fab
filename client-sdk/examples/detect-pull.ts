// Detect dyno pulls: a pull runs while RPM is above a threshold with the throttle above 90 %. When it ends, print
// its peak power and torque (with the RPM they were reached at), in the hub's display units (as its dashboard shows
// them) unless --units says otherwise.
//   npx tsx client-sdk/examples/detect-pull.ts [rpmThreshold=2500] [--units imperial|metric]
import { filter, map, scan } from 'rxjs';
import { displayConversion, UNIT_SYSTEMS, type UnitSystem } from '@jetdrive-hub/client/contract';
import { connectHub, DEFAULT_HUB_URL, type HubSample } from '../src/index.js';

const args = process.argv.slice(2);
const unitsAt = args.indexOf('--units');
const unitsArg = unitsAt >= 0 ? args.splice(unitsAt, 2)[1] : undefined;
if (unitsArg !== undefined && !(UNIT_SYSTEMS as readonly string[]).includes(unitsArg)) {
  console.error(`--units "${unitsArg}": expected one of ${UNIT_SYSTEMS.join(', ')}`);
  process.exit(2);
}
const RPM_THRESHOLD = Number(args[0] ?? 2500);
const WOT_PCT = 90;

/** A peak as received (SI, with what converting it needs). */
interface Peak {
  value: number;
  unit: string;
  unitCode: number;
  quantity: string | null;
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
  if (peak && peak.value >= sample.value) return peak;
  return { value: sample.value, unit: sample.unit, unitCode: sample.unitCode, quantity: sample.quantity, rpm };
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

const hub = connectHub(process.env.JETDRIVE_HUB_URL ?? DEFAULT_HUB_URL, {
  token: process.env.JETDRIVE_HUB_TOKEN || undefined,
});
let units: UnitSystem = (unitsArg as UnitSystem | undefined) ?? 'imperial';
hub.whenConnected().then(
  (hello) => {
    if (unitsArg === undefined && hello?.units) units = hello.units;
    console.error(`waiting for a pull (RPM > ${RPM_THRESHOLD} with TPS > ${WOT_PCT} %)…`);
  },
  (error: Error) => {
    // Unreachable, unauthorized, wrong parser…: the message names it and says what to do.
    console.error(error.message);
    hub.close();
    process.exitCode = 3;
  },
);

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
    const peak = (name: string, p: Peak | null) => {
      if (!p) return `${name} n/a`;
      const shown = displayConversion(p.unitCode, units, p.quantity, p.unit);
      const value = p.value * shown.factor + shown.offset;
      return `${name} ${value.toFixed(1)} ${shown.label} @ ${p.rpm.toFixed(0)} rpm`;
    };
    console.log(
      `pull: ${(finished.durationMs / 1000).toFixed(1)} s, ${peak('peak power', finished.power)}, ${peak('peak torque', finished.torque)}`,
    );
  });

process.once('SIGINT', () => hub.close());
