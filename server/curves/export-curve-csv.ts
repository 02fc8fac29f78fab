import type { RunCurves } from './compute-run-curves.js';
import { csvLine, csvNumber } from './csv-text.js';
import type { MixtureQuantity } from './extract-pull.js';
import { CURVE_EXPORT_MARKER, columnHeader } from './run-csv-format.js';

// A run's curves as a table: one row per bin, power / torque / AFR per bank under the chosen correction and
// smoothing; the preamble says which, with the factor and the air it came from.

const MIXTURE_COLUMNS: Readonly<Record<MixtureQuantity, [string, string]>> = {
  afr_front: ['AFR front', 'AFR'],
  afr_rear: ['AFR rear', 'AFR'],
  lambda_front: ['Lambda front', 'λ'],
  lambda_rear: ['Lambda rear', 'λ'],
};

function preamble(c: RunCurves): string {
  const { correction: cf, atmosphere: a } = c;
  const air = `${csvNumber(a.tempC)} °C, ${csvNumber(a.pressureKpa)} kPa, ${csvNumber(a.humidityPct)} % RH`;
  const given = a.sources === 'given' ? 'given' : a.defaulted ? 'default air (no probe in the run)' : 'from the run';
  const corr = `correction ${cf.label} factor ${cf.factor.toFixed(4)} (${air}; ${given})`;
  return `${CURVE_EXPORT_MARKER}; ${corr}; smoothing ${c.smoothing}; x ${c.x} bin ${c.binWidth}`;
}

export function exportCurveCsv(c: RunCurves): string {
  const { curves, units } = c;
  const mixture = Object.keys(curves.mixture) as MixtureQuantity[];
  const xHeader = c.x === 'rpm' ? columnHeader('RPM', 'RPM') : columnHeader('Speed', units.speed);
  const header = [
    xHeader,
    ...(c.x === 'rpm' ? [] : [columnHeader('RPM', 'RPM')]),
    columnHeader('Power', units.power),
    columnHeader('Torque', units.torque),
    ...mixture.map((q) => columnHeader(...MIXTURE_COLUMNS[q])),
    'Points',
  ];
  const lines = [preamble(c), csvLine(header)];
  curves.x.forEach((x, i) => {
    const row = [
      csvNumber(x),
      ...(c.x === 'rpm' ? [] : [csvNumber(curves.rpm[i])]),
      csvNumber(curves.power[i]),
      csvNumber(curves.torque[i]),
      ...mixture.map((q) => csvNumber(curves.mixture[q]![i])),
      String(curves.count[i]),
    ];
    lines.push(row.join(','));
  });
  return `${lines.join('\n')}\n`;
}
