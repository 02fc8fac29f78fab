import { type AnalysisAxes, checkAxis } from './analysis-axes.js';

// A VE table as tuners exchange it: a header row of one axis, then one row per breakpoint of the other axis, the corner
// cell naming them ("rpm\map"). Rows are rpm unless the corner starts with the load's name ("map\rpm", "tps/rpm").
// The export writes the suggested table back in the same layout (orientation, corner, separator, decimals), so it
// pastes over the original.

export interface VeTableCsv {
  axes: AnalysisAxes;
  /** Row-major by rpm, whatever the file's orientation. */
  values: Float64Array;
  layout: CsvLayout;
}

export interface CsvLayout {
  corner: string;
  /** True when the file's rows are load breakpoints and its columns rpm. */
  loadRows: boolean;
  separator: string;
  decimals: number;
}

/** A CSV the parser refuses: the message names the row and column (1-based) and what is wrong. */
export class VeTableCsvError extends Error {}

const MAX_CSV_CHARS = 32_768;

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function number(text: string, row: number, col: number): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) {
    throw new VeTableCsvError(`row ${row}, column ${col}: "${text.trim().slice(0, 20)}" is not a number`);
  }
  return v;
}

function splitRows(text: string): { rows: string[][]; separator: string } {
  if (text.length > MAX_CSV_CHARS)
    throw new VeTableCsvError(`the table has ${text.length} characters (limit ${MAX_CSV_CHARS})`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 3)
    throw new VeTableCsvError(`needs a header row and at least two rows of values, got ${lines.length} lines`);
  const separator = lines[0].includes(';') ? ';' : lines[0].includes('\t') ? '\t' : ',';
  return { rows: lines.map((l) => l.split(separator)), separator };
}

/** Parses a VE table; throws VeTableCsvError (or a RangeError from the axis check) naming what to fix. */
export function parseVeTableCsv(text: string): VeTableCsv {
  const { rows, separator } = splitRows(text);
  const header = rows[0];
  const corner = header[0].trim();
  const loadRows = /^\s*(map|kpa|tps|load|throttle)/i.test(corner);
  const colAxis = header.slice(1).map((t, i) => number(t, 1, i + 2));
  const rowAxis: number[] = [];
  const grid: number[][] = [];
  let decimals = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) {
      throw new VeTableCsvError(`row ${r + 1}: ${row.length} columns, the header has ${header.length}`);
    }
    rowAxis.push(number(row[0], r + 1, 1));
    grid.push(row.slice(1).map((t, c) => number(t, r + 1, c + 2)));
    for (const t of row.slice(1)) decimals = Math.max(decimals, decimalsOf(t.trim()));
  }
  const axes: AnalysisAxes = loadRows ? { rpm: colAxis, load: rowAxis } : { rpm: rowAxis, load: colAxis };
  checkAxis(loadRows ? 'header (rpm axis)' : 'first column (rpm axis)', axes.rpm);
  checkAxis(loadRows ? 'first column (load axis)' : 'header (load axis)', axes.load);
  const L = axes.load.length;
  const values = new Float64Array(axes.rpm.length * L);
  for (let i = 0; i < grid.length; i++) {
    for (let j = 0; j < grid[i].length; j++) values[loadRows ? j * L + i : i * L + j] = grid[i][j];
  }
  return { axes, values, layout: { corner, loadRows, separator, decimals: Math.min(decimals, 6) } };
}

/** A layout for tables that came from no file: rows by rpm, comma-separated. */
export function defaultCsvLayout(loadName: string, decimals: number): CsvLayout {
  return { corner: `rpm\\${loadName}`, loadRows: false, separator: ',', decimals };
}

/**
 * Writes a table (row-major by rpm) in `layout`; `cell` gives the text of one value, e.g. an empty string for a cell
 * with nothing to say.
 */
export function formatVeTableCsv(axes: AnalysisAxes, layout: CsvLayout, cell: (k: number) => string): string {
  const L = axes.load.length;
  const [rowAxis, colAxis] = layout.loadRows ? [axes.load, axes.rpm] : [axes.rpm, axes.load];
  const lines = [[layout.corner, ...colAxis.map(String)].join(layout.separator)];
  for (let i = 0; i < rowAxis.length; i++) {
    const cells = colAxis.map((_, j) => cell(layout.loadRows ? j * L + i : i * L + j));
    lines.push([String(rowAxis[i]), ...cells].join(layout.separator));
  }
  return `${lines.join('\n')}\n`;
}
