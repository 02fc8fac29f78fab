import { csvError } from './curves-error.js';

// RFC 4180 CSV, both ways: fields with a comma, a quote or a line break are quoted, quotes doubled. The reader hands
// each record over as it ends and keeps none; it stops with CSV_TOO_LARGE at the first field past its column limit.

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** A number as CSV writes it: 7 significant digits (the sensors' resolution and more), no trailing zeros; NaN blank. */
export function csvNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(7))) : '';
}

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  row: number;
  fields: string[];
}

/** Bytes of the text as UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Called with each record as it is read: the reader keeps none, so memory is the caller's to bound. */
export type CsvRecordSink = (record: CsvRecord) => void;

class CsvReader {
  #fields: string[] = [];
  #field = '';
  #line = 1;
  #recordLine = 1;
  constructor(
    readonly maxFields: number,
    readonly sink: CsvRecordSink,
  ) {}

  endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    if (this.#fields.length > this.maxFields) {
      const at = { row: this.#recordLine, column: this.#fields.length };
      throw csvError('CSV_TOO_LARGE', at, `more than ${this.maxFields} columns`);
    }
  }

  endRecord(): void {
    this.endField();
    const blank = this.#fields.length === 1 && this.#fields[0] === '';
    if (!blank) this.sink({ row: this.#recordLine, fields: this.#fields });
    this.#fields = [];
    this.#line++;
    this.#recordLine = this.#line;
  }

  read(text: string): void {
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          this.#field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else {
          if (c === '\n') this.#line++;
          this.#field += c;
        }
      } else if (c === '"' && this.#field === '') quoted = true;
      else if (c === ',') this.endField();
      else if (c === '\n') this.endRecord();
      else if (c !== '\r') this.#field += c;
    }
    if (quoted) {
      throw csvError('CSV_INVALID', { row: this.#recordLine, column: this.#fields.length + 1 }, 'unclosed quote');
    }
    if (this.#field !== '' || this.#fields.length > 0) this.endRecord();
  }
}

/** Reads a CSV text record by record (blank lines skipped), each with the line it starts on; at most maxFields each. */
export function readCsv(text: string, maxFields: number, sink: CsvRecordSink): void {
  new CsvReader(maxFields, sink).read(text);
}
