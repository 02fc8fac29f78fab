import { escapeHtml } from './escape-html.js';

// A small line chart as inline SVG (no script, no external resources: a printed sheet must stand alone): one x axis,
// a left and an optional right y axis, each series on its own axis, gaps (NaN) break the line.

export interface ChartSeries {
  label: string;
  color: string;
  y: readonly number[];
  axis: 'left' | 'right';
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  x: readonly number[];
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

const PAD = { left: 56, right: 56, top: 28, bottom: 36 };
const TICKS = 5;

function range(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const margin = (hi - lo) * 0.05;
  return [lo - margin, hi + margin];
}

const fmt = (v: number) => String(Number(v.toPrecision(6)));

function path(
  x: readonly number[],
  y: readonly number[],
  sx: (v: number) => number,
  sy: (v: number) => number,
): string {
  let d = '';
  let pen = 'M';
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(y[i])) {
      pen = 'M';
      continue;
    }
    d += `${pen}${sx(x[i]).toFixed(1)},${sy(y[i]).toFixed(1)}`;
    pen = 'L';
  }
  return d;
}

/** Ticks at the round step (1, 2 or 5 × 10ⁿ) nearest to TICKS intervals across [lo, hi]. */
function axisTicks(lo: number, hi: number, at: (v: number) => string): string {
  const raw = (hi - lo) / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const ratio = (s: number) => Math.abs(Math.log(s / raw));
  const step = [1, 2, 5, 10].map((m) => m * power).reduce((best, s) => (ratio(s) < ratio(best) ? s : best));
  const out: string[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(at(Math.abs(v) < step / 1e6 ? 0 : v));
  return out.join('');
}

/** The chart as an `<svg>` element string. */
export function svgChart(spec: ChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 300;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const [x0, x1] = range(spec.x);
  const sx = (v: number) => PAD.left + ((v - x0) / (x1 - x0)) * plotW;
  const ranges = {
    left: range(spec.series.filter((s) => s.axis === 'left').flatMap((s) => s.y)),
    right: range(spec.series.filter((s) => s.axis === 'right').flatMap((s) => s.y)),
  };
  const sy = (axis: 'left' | 'right') => (v: number) =>
    PAD.top + plotH - ((v - ranges[axis][0]) / (ranges[axis][1] - ranges[axis][0])) * plotH;
  const bottom = PAD.top + plotH;
  const xTicks = axisTicks(
    x0,
    x1,
    (v) => `<text x="${sx(v).toFixed(1)}" y="${bottom + 14}" text-anchor="middle">${fmt(v)}</text>`,
  );
  const yTicks = (axis: 'left' | 'right', tx: number, anchor: string) =>
    axisTicks(
      ...ranges[axis],
      (v) => `<text x="${tx}" y="${sy(axis)(v).toFixed(1)}" text-anchor="${anchor}">${fmt(v)}</text>`,
    );
  const lines = spec.series
    .map((s) => {
      const dash = s.dashed ? ' stroke-dasharray="6 3"' : '';
      const d = path(spec.x, s.y, sx, sy(s.axis));
      return `<path class="series" data-label="${escapeHtml(s.label)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${dash}/>`;
    })
    .join('');
  const legend = spec.series
    .map(
      (s, i) =>
        `<text x="${PAD.left + 8 + i * 150}" y="${PAD.top - 8}" fill="${s.color}">${escapeHtml(s.label)}</text>`,
    )
    .join('');
  const right = spec.rightLabel === undefined ? '' : yTicks('right', width - PAD.right + 6, 'start');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}" font-size="10" font-family="sans-serif">`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    xTicks,
    yTicks('left', PAD.left - 6, 'end'),
    right,
    `<text x="${PAD.left + plotW / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
    `<text x="12" y="${PAD.top + plotH / 2}" transform="rotate(-90 12 ${PAD.top + plotH / 2})" text-anchor="middle">${escapeHtml(spec.leftLabel)}</text>`,
    spec.rightLabel === undefined
      ? ''
      : `<text x="${width - 8}" y="${PAD.top + plotH / 2}" transform="rotate(90 ${width - 8} ${PAD.top + plotH / 2})" text-anchor="middle">${escapeHtml(spec.rightLabel)}</text>`,
    legend,
    lines,
    '</svg>',
  ].join('');
}
