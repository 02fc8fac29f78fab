import { lastValueFrom, tap } from 'rxjs';
import type { Hub } from '../hub-types.js';
import {
  displayConversion,
  POWER_UNIT,
  type SessionResults,
  type SessionStartInput,
  TORQUE_UNIT,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';
import { formatTable } from './format-table.js';
import { renderProgress } from './render-progress.js';

/** Runs one virtual tuning session: a progress bar per iteration, then the result table. Resolves with the results. */
/** Sessions report peak power in hp and torque in ft·lb: converted back to kW / N·m for metric. */
export function peakUnits(system: UnitSystem) {
  const hp = displayConversion(POWER_UNIT, 'imperial');
  const ftlb = displayConversion(TORQUE_UNIT, 'imperial');
  const power = displayConversion(POWER_UNIT, system);
  const torque = displayConversion(TORQUE_UNIT, system);
  return {
    power: (value: number) => (value / hp.factor) * power.factor,
    torque: (value: number) => (value / ftlb.factor) * torque.factor,
    powerLabel: power.label,
    torqueLabel: torque.label,
  };
}

export async function runTune(
  hub: Hub,
  input: SessionStartInput,
  out: NodeJS.WriteStream,
  units: UnitSystem,
): Promise<SessionResults> {
  const peak = peakUnits(units);
  const { snapshot, events$ } = await hub.sessions.run(input);
  const id = snapshot.session_id;
  out.write(`session ${id}: up to ${snapshot.max_iterations} iterations\n`);
  let lineOpen = false;
  const endLine = () => {
    if (lineOpen) out.write('\n');
    lineOpen = false;
  };
  await lastValueFrom(
    events$.pipe(
      tap((event) => {
        if (event.type === 'progress') {
          const line = renderProgress(event.pct, `iteration ${event.iteration}: ${event.message}`);
          out.write(out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
          lineOpen = out.isTTY;
        } else if (event.type === 'iteration') {
          endLine();
          const r = event.result;
          out.write(
            `iteration ${r.iteration}: max AFR error ${r.max_afr_error.toFixed(2)}, mean ${r.mean_afr_error.toFixed(2)}, ` +
              `${r.cells_converged} cells converged, ` +
              `peak ${peak.power(r.peak_hp).toFixed(1)} ${peak.powerLabel} / ${peak.torque(r.peak_tq).toFixed(1)} ${peak.torqueLabel}\n`,
          );
        } else if (event.type === 'terminal') {
          endLine();
          out.write(`session ${id} ${event.status}${event.message ? `: ${event.message}` : ''}\n`);
        }
      }),
    ),
    { defaultValue: null },
  );
  const results = await hub.sessions.results(id);
  out.write(`${formatTuneResults(results, units)}\n`);
  return results;
}

export function formatTuneResults(results: SessionResults, units: UnitSystem = 'imperial'): string {
  const peak = peakUnits(units);
  const rows = results.iterations.map((r) => [
    r.iteration,
    Number(r.max_afr_error.toFixed(3)),
    Number(r.mean_afr_error.toFixed(3)),
    Number(r.rms_afr_error.toFixed(3)),
    Number(r.max_ve_correction_pct.toFixed(2)),
    r.cells_corrected,
    r.cells_converged,
    Number(peak.power(r.peak_hp).toFixed(1)),
    Number(peak.torque(r.peak_tq).toFixed(1)),
    r.converged ? 'yes' : 'no',
  ]);
  const table = formatTable(
    [
      'iter',
      'max err',
      'mean err',
      'rms err',
      'max corr %',
      'corrected',
      'converged',
      `peak ${peak.powerLabel}`,
      `peak ${peak.torqueLabel}`,
      'done',
    ],
    rows,
  );
  const m = results.final_metrics;
  return `${table}\nstatus ${results.status}; ${m.total_iterations} iterations; convergence ${m.convergence_rate ?? 'n/a'}`;
}
