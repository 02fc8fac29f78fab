import { CurvesError, csvError } from './curves-error.js';
import { type CsvRecord, readCsv, utf8Length } from './csv-text.js';
import { guessQuantity, type QuantityResolver } from './guess-quantity.js';
import { parseColumnHeader, QUANTITY_ROW_MARKER, TIME_EXPORT_MARKER } from './run-csv-format.js';
import { siConversion } from './si-units.js';
import type { RunSeries } from './types.js';

// Imports a CSV time export as a run's series: this hub's own (its preamble gives the quantities) or the common
// third-party layout, a time column and named channel columns with units (`Time (s),Engine RPM (rpm),Power (hp)`).
// Bounded in bytes, rows and columns; a bad file is refused with the row and column at fault.

export interface CsvImportLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
}

/** 64 MiB, 2 M rows (27 h at 50 ms), 512 columns (a heavy logger's channel count twice over). */
export const DEFAULT_CSV_IMPORT_LIMITS: Readonly<CsvImportLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 512,
});

export interface CsvImportOptions {
  limits?: Partial<CsvImportLimits>;
  /** How a third-party column's quantity is found (the hub's mapping, say); default `guessQuantity`. */
  resolveQuantity?: QuantityResolver;
}

export interface CsvImport {
  series: RunSeries;
  format: 'jetdrive-hub' | 'generic';
  /** What was read: bytes, data rows, channel columns, and blank cells (a channel without a sample there). */
  counts: { bytes: number; rows: number; columns: number; blankCells: number };
}

interface Layout {
  format: CsvImport['format'];
  quantities: string[] | null;
  header: CsvRecord;
  data: CsvRecord[];
}

function layout(records: CsvRecord[]): Layout {
  let i = 0;
  let format: Layout['format'] = 'generic';
  let quantities: string[] | null = null;
  for (; i < records.length && records[i].fields[0].startsWith('#'); i++) {
    const r = records[i];
    if (r.fields.join(',').startsWith(TIME_EXPORT_MARKER)) format = 'jetdrive-hub';
    if (r.fields[0] === QUANTITY_ROW_MARKER) quantities = r.fields;
  }
  const header = records[i];
  if (!header)
    throw csvError('CSV_INVALID', { row: 1, column: 1 }, 'no header row: expected "Time (s),<channel> (<unit>),…"');
  return { format, quantities, header, data: records.slice(i + 1) };
}

function timeColumn(header: CsvRecord, format: Layout['format']): { index: number; toMs: number } {
  const index =
    format === 'jetdrive-hub' ? 0 : header.fields.findIndex((f) => /^time\b/i.test(parseColumnHeader(f).name));
  if (index < 0) {
    throw csvError(
      'CSV_INVALID',
      { row: header.row, column: 1 },
      'no time column: one header must be "Time (s)" or "Time (ms)"',
    );
  }
  const { unit } = parseColumnHeader(header.fields[index]);
  const conversion = unit === '' ? { si: 'ms', factor: 1000 } : siConversion(unit);
  if (conversion?.si !== 'ms') {
    const at = { row: header.row, column: index + 1, columnName: header.fields[index] };
    throw csvError('CSV_INVALID', at, `time unit "${unit}" is not s or ms`);
  }
  return { index, toMs: conversion.factor };
}

function cellNumber(r: CsvRecord, column: number, columnName: string): number | null {
  const text = r.fields[column].trim();
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw csvError('CSV_INVALID', { row: r.row, column: column + 1, columnName }, `"${text}" is not a number`);
  }
  return value;
}

function checkWidth(r: CsvRecord, width: number, header: readonly string[]): void {
  if (r.fields.length === width) return;
  const column = Math.min(r.fields.length, width) + 1;
  const problem =
    r.fields.length < width
      ? `missing: the row has ${r.fields.length} values, the header ${width} columns`
      : `extra value: the header has ${width} columns`;
  throw csvError('CSV_INVALID', { row: r.row, column, columnName: header[column - 1] }, problem);
}

/** The run in a CSV time export; refuses a bad file with CSV_INVALID / CSV_TOO_LARGE naming the row and column. */
export function importRunCsv(text: string, options: CsvImportOptions = {}): CsvImport {
  const limits = { ...DEFAULT_CSV_IMPORT_LIMITS, ...options.limits };
  const bytes = utf8Length(text);
  if (bytes > limits.maxBytes) {
    throw new CurvesError('CSV_TOO_LARGE', `the file is ${bytes} bytes; the limit is ${limits.maxBytes}`, {
      field: 'file',
    });
  }
  // The time column comes on top of the channel columns.
  const records = readCsv(text, { maxRecords: limits.maxRows, maxPreamble: 8, maxFields: limits.maxColumns + 1 });
  const { format, quantities, header, data } = layout(records);
  if (data.length === 0) throw csvError('CSV_INVALID', { row: header.row + 1, column: 1 }, 'no data rows');
  const time = timeColumn(header, format);
  const names = header.fields;
  const columns = names.map((_, c) => c).filter((c) => c !== time.index);
  const t = columns.map(() => [] as number[]);
  const v = columns.map(() => [] as number[]);
  let blankCells = 0;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const r of data) {
    checkWidth(r, names.length, names);
    const seconds = cellNumber(r, time.index, names[time.index]);
    const ms = seconds === null ? Number.NaN : seconds * time.toMs;
    if (!(ms > lastMs)) {
      const at = { row: r.row, column: time.index + 1, columnName: names[time.index] };
      throw csvError('CSV_INVALID', at, `time must rise from row to row (got "${r.fields[time.index]}")`);
    }
    lastMs = ms;
    columns.forEach((c, j) => {
      const value = cellNumber(r, c, names[c]);
      if (value === null) blankCells++;
      else {
        t[j].push(ms);
        v[j].push(value);
      }
    });
  }
  const resolve = options.resolveQuantity ?? guessQuantity;
  const taken = new Set<string>();
  const channels = columns.map((c, j) => {
    const { name, unit } = parseColumnHeader(names[c]);
    const given = quantities ? quantities[c] || null : resolve(name, unit, taken);
    if (given) taken.add(given);
    return { name, quantity: given, unit, t: Float64Array.from(t[j]), v: Float64Array.from(v[j]) };
  });
  return { series: { channels }, format, counts: { bytes, rows: data.length, columns: columns.length, blankCells } };
}
