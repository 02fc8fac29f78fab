import { displayConversion } from '@jetdrive-hub/client/contract';
import type { CurvePeaks, RunCurves } from './compute-run-curves.js';
import { escapeHtml } from './escape-html.js';
import type { MixtureQuantity } from './extract-pull.js';
import { type ChartSeries, svgChart } from './svg-chart.js';

// The printable run sheet: one page with the curves (inline SVG), the peaks from the smoothed and the raw curves, the
// correction with its factor and the air it came from, and the run's notes. A pure function to an HTML string (no
// script, no external resource), so the route that serves it and a test read the same figures.

export interface RunSheetRun {
  name: string;
  /** ISO date-time of the run's start. */
  startedAt?: string;
  /** E.g. the simulator profile or the vehicle. */
  subject?: string;
  notes?: string;
}

export interface RunSheetInput {
  run: RunSheetRun;
  curves: RunCurves;
}

const MIXTURE_LABELS: Readonly<Record<MixtureQuantity, string>> = {
  afr_front: 'AFR front',
  afr_rear: 'AFR rear',
  lambda_front: 'λ front',
  lambda_rear: 'λ rear',
};
const MIXTURE_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];

const STYLE = `@page { size: A4; margin: 12mm }
body { font: 12px/1.4 sans-serif; color: #111; margin: 0 }
h1 { font-size: 18px; margin: 0 0 4px } .meta { color: #555; margin-bottom: 8px }
table { border-collapse: collapse; margin: 6px 0 } th, td { border: 1px solid #bbb; padding: 2px 8px; text-align: left }
.warn { color: #a40 } .notes { white-space: pre-wrap; border: 1px solid #bbb; padding: 6px; min-height: 3em }
svg { display: block; margin: 6px 0 }`;

const number = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

function peaksTable(c: RunCurves): string {
  const { units } = c;
  const row = (label: string, peaks: CurvePeaks) =>
    `<tr><th>${label}</th><td data-peak="power">${number(peaks.power?.value, 1)} ${units.power} @ ${number(peaks.power?.rpm, 0)} rpm</td>` +
    `<td data-peak="torque">${number(peaks.torque?.value, 1)} ${units.torque} @ ${number(peaks.torque?.rpm, 0)} rpm</td></tr>`;
  return `<table class="peaks"><tr><th></th><th>Peak power</th><th>Peak torque</th></tr>${row(`Smoothed (level ${c.smoothing})`, c.peaks.smoothed)}${row('Raw', c.peaks.raw)}</table>`;
}

function correctionTable(c: RunCurves): string {
  const { correction, atmosphere } = c;
  const temp = displayConversion(6, c.units.system);
  const baro = displayConversion(7, c.units.system, 'baro');
  const air =
    `${number(atmosphere.tempC * temp.factor + temp.offset, 1)} ${temp.label}, ` +
    `${number(atmosphere.pressureKpa * baro.factor, 2)} ${baro.label}, ${number(atmosphere.humidityPct, 0)} % RH`;
  const source =
    atmosphere.sources === 'given'
      ? 'entered by the operator'
      : atmosphere.defaulted
        ? '<span class="warn">default air: the run has no (plausible) atmospheric probe reading</span>'
        : 'from the run’s atmospheric probe';
  return (
    `<table class="correction"><tr><th>Correction</th><td data-correction="${correction.standard}">${escapeHtml(correction.label)}, factor ${correction.factor.toFixed(4)}</td></tr>` +
    `<tr><th>Air</th><td>${air} (${source})</td></tr>` +
    `<tr><th>Curves</th><td>x ${c.x}, bins of ${c.binWidth} ${c.x === 'rpm' ? 'rpm' : c.units.speed}, smoothing ${c.smoothing}</td></tr></table>`
  );
}

function charts(c: RunCurves): string {
  const xLabel = c.x === 'rpm' ? 'Engine speed (rpm)' : `Road speed (${c.units.speed})`;
  const power = svgChart({
    title: 'Power and torque',
    x: c.curves.x,
    xLabel,
    // One axis for both, as dyno sheets draw them: in hp and ft·lb the curves cross at 5252 rpm.
    leftLabel: `Power (${c.units.power}) / Torque (${c.units.torque})`,
    series: [
      { label: `Power (${c.units.power})`, color: '#c00', y: c.curves.power, axis: 'left' },
      { label: `Torque (${c.units.torque})`, color: '#06c', y: c.curves.torque, axis: 'left', dashed: true },
    ],
  });
  const banks = Object.entries(c.curves.mixture) as [MixtureQuantity, number[]][];
  if (banks.length === 0) return power;
  const series: ChartSeries[] = banks.map(([q, y], i) => ({
    label: MIXTURE_LABELS[q],
    color: MIXTURE_COLORS[i % MIXTURE_COLORS.length],
    y,
    axis: q.startsWith('afr') ? 'left' : 'right',
  }));
  const hasLambda = banks.some(([q]) => q.startsWith('lambda'));
  const mixture = svgChart({
    title: 'Air/fuel ratio',
    x: c.curves.x,
    xLabel,
    leftLabel: 'AFR',
    ...(hasLambda ? { rightLabel: 'λ' } : {}),
    series,
    height: 200,
  });
  return power + mixture;
}

/** A one-page, print-styled HTML run sheet. */
export function renderRunSheet({ run, curves }: RunSheetInput): string {
  const meta = [run.startedAt, run.subject]
    .filter((s): s is string => Boolean(s))
    .map(escapeHtml)
    .join(' · ');
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Run sheet — ${escapeHtml(run.name)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(run.name)}</h1>`,
    `<div class="meta">${meta}</div>`,
    peaksTable(curves),
    correctionTable(curves),
    charts(curves),
    `<h2>Notes</h2><div class="notes">${escapeHtml(run.notes ?? '')}</div>`,
    '</body></html>',
  ].join('\n');
}
