import { type CsvRecord, readCsv, utf8Length } from './csv-text.js';
import { CurvesError, csvError } from './curves-error.js';
import { guessQuantity, type QuantityResolver } from './guess-quantity.js';
import { parseColumnHeader, QUANTITY_ROW_MARKER, TIME_EXPORT_MARKER } from './run-csv-format.js';
import { siConversion } from './si-units.js';
import type { RunSeries } from './types.js';

// Imports a CSV time export as a run's series: this hub's own (its preamble gives the quantities) or the common
// third-party layout, a time column and named channel columns with units (`Time (s),Engine RPM (rpm),Power (hp)`).
// Read record by record into number columns, bounded in bytes, rows, columns and values (what is held); a bad file is
// refused with the row and column at fault.

export interface CsvImportLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
  /** Samples held (rows × channel columns, blanks excepted): what the import's memory grows with. */
  maxValues: number;
}

/** 64 MiB, 2 M rows (27 h at 50 ms), 512 columns, 8 M samples (64 MiB of doubles). */
export const DEFAULT_CSV_IMPORT_LIMITS: Readonly<CsvImportLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 512,
  maxValues: 8_000_000,
});

/** '#' lines allowed before the header. */
const MAX_PREAMBLE = 8;

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

function timeColumn(header: CsvRecord, format: CsvImport['format']): { index: number; toMs: number } {
  const index =
    format === 'jetdrive-hub' ? 0 : header.fields.findIndex((f) => /^time\b/i.test(parseColumnHeader(f).name));
  if (index < 0) {
    const problem = 'no time column: one header must be "Time (s)" or "Time (ms)"';
    throw csvError('CSV_INVALID', { row: header.row, column: 1 }, problem);
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

function checkWidth(r: CsvRecord, header: readonly string[]): void {
  const width = header.length;
  if (r.fields.length === width) return;
  const column = Math.min(r.fields.length, width) + 1;
  const problem =
    r.fields.length < width
      ? `missing: the row has ${r.fields.length} values, the header ${width} columns`
      : `extra value: the header has ${width} columns`;
  throw csvError('CSV_INVALID', { row: r.row, column, columnName: header[column - 1] }, problem);
}

/** The columns of the file being read, filled row by row. */
class CsvColumns {
  format: CsvImport['format'] = 'generic';
  quantities: string[] | null = null;
  header: CsvRecord | null = null;
  time = { index: 0, toMs: 1000 };
  columns: number[] = [];
  t: number[][] = [];
  v: number[][] = [];
  rows = 0;
  values = 0;
  blankCells = 0;
  #preamble = 0;
  #lastMs = Number.NEGATIVE_INFINITY;

  constructor(readonly limits: CsvImportLimits) {}

  take(r: CsvRecord): void {
    if (this.header) this.#row(r);
    else if (r.fields[0].startsWith('#')) this.#preambleLine(r);
    else {
      this.header = r;
      this.time = timeColumn(r, this.format);
      this.columns = r.fields.map((_, c) => c).filter((c) => c !== this.time.index);
      this.t = this.columns.map(() => []);
      this.v = this.columns.map(() => []);
    }
  }

  #preambleLine(r: CsvRecord): void {
    if (++this.#preamble > MAX_PREAMBLE) {
      throw csvError('CSV_TOO_LARGE', { row: r.row, column: 1 }, `more than ${MAX_PREAMBLE} '#' lines`);
    }
    if (r.fields.join(',').startsWith(TIME_EXPORT_MARKER)) this.format = 'jetdrive-hub';
    if (r.fields[0] === QUANTITY_ROW_MARKER) this.quantities = r.fields;
  }

  #row(r: CsvRecord): void {
    const names = this.header!.fields;
    if (++this.rows > this.limits.maxRows) {
      throw csvError('CSV_TOO_LARGE', { row: r.row, column: 1 }, `more than ${this.limits.maxRows} data rows`);
    }
    checkWidth(r, names);
    const { index, toMs } = this.time;
    const seconds = cellNumber(r, index, names[index]);
    const ms = seconds === null ? Number.NaN : seconds * toMs;
    if (!(ms > this.#lastMs)) {
      const at = { row: r.row, column: index + 1, columnName: names[index] };
      throw csvError('CSV_INVALID', at, `time must rise from row to row (got "${r.fields[index]}")`);
    }
    this.#lastMs = ms;
    this.columns.forEach((c, j) => {
      const value = cellNumber(r, c, names[c]);
      if (value === null) {
        this.blankCells++;
        return;
      }
      if (++this.values > this.limits.maxValues) {
        const at = { row: r.row, column: c + 1, columnName: names[c] };
        throw csvError('CSV_TOO_LARGE', at, `more than ${this.limits.maxValues} values in the file`);
      }
      this.t[j].push(ms);
      this.v[j].push(value);
    });
  }
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
  const file = new CsvColumns(limits);
  // The time column comes on top of the channel columns.
  readCsv(text, limits.maxColumns + 1, (r) => file.take(r));
  const { header } = file;
  if (!header) {
    throw csvError('CSV_INVALID', { row: 1, column: 1 }, 'no header row: expected "Time (s),<channel> (<unit>),…"');
  }
  if (file.rows === 0) throw csvError('CSV_INVALID', { row: header.row + 1, column: 1 }, 'no data rows');
  const resolve = options.resolveQuantity ?? guessQuantity;
  const taken = new Set<string>();
  const channels = file.columns.map((c, j) => {
    const { name, unit } = parseColumnHeader(header.fields[c]);
    const given = file.quantities ? file.quantities[c] || null : resolve(name, unit, taken);
    if (given) taken.add(given);
    return { name, quantity: given, unit, t: Float64Array.from(file.t[j]), v: Float64Array.from(file.v[j]) };
  });
  const counts = { bytes, rows: file.rows, columns: file.columns.length, blankCells: file.blankCells };
  return { series: { channels }, format: file.format, counts };
}
