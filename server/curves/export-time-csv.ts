import { csvLine, csvNumber } from './csv-text.js';
import { CurvesError } from './curves-error.js';
import { interpolateAt } from './interpolate-at.js';
import { columnHeader, QUANTITY_ROW_MARKER, TIME_EXPORT_MARKER, TIME_EXPORT_STEP_MS } from './run-csv-format.js';
import type { RunSeries } from './types.js';

// A run as one CSV table: every channel read at a fixed 50 ms step (linear between its samples, blank outside its
// span), `Time (s)` first, units in the header, quantities in a preamble row for the importer.

/** 24 h at 50 ms: beyond, the run is not a pull and the file would not open in a spreadsheet anyway. */
export const MAX_TIME_EXPORT_ROWS = 1_728_000;

export interface TimeExportOptions {
  stepMs?: number;
  maxRows?: number;
}

function span(series: RunSeries): [number, number] | null {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const c of series.channels) {
    if (c.t.length === 0) continue;
    from = Math.min(from, c.t[0]);
    to = Math.max(to, c.t[c.t.length - 1]);
  }
  return from <= to ? [from, to] : null;
}

/** The run's CSV time export (a string: a run is bounded by the library's own limits, and by maxRows here). */
export function exportTimeCsv(series: RunSeries, options: TimeExportOptions = {}): string {
  const stepMs = options.stepMs ?? TIME_EXPORT_STEP_MS;
  const maxRows = options.maxRows ?? MAX_TIME_EXPORT_ROWS;
  const range = span(series);
  // Grid on multiples of the step, so times are exact decimals.
  const first = range ? Math.ceil(range[0] / stepMs) * stepMs : 0;
  const rows = range ? Math.floor((range[1] - first) / stepMs) + 1 : 0;
  if (rows > maxRows) {
    throw new CurvesError(
      'CSV_TOO_LARGE',
      `the run needs ${rows} rows at ${stepMs} ms; the export's limit is ${maxRows}`,
    );
  }
  const times = Float64Array.from({ length: Math.max(0, rows) }, (_, i) => first + i * stepMs);
  const columns = series.channels.map((c) => interpolateAt(c.t, c.v, times));
  const lines = [
    TIME_EXPORT_MARKER,
    csvLine([QUANTITY_ROW_MARKER, ...series.channels.map((c) => c.quantity ?? '')]),
    csvLine(['Time (s)', ...series.channels.map((c) => columnHeader(c.name, c.unit))]),
  ];
  for (let i = 0; i < times.length; i++) {
    lines.push([(times[i] / 1000).toFixed(3), ...columns.map((col) => csvNumber(col[i]))].join(','));
  }
  return `${lines.join('\n')}\n`;
}
