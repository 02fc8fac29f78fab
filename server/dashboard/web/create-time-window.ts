// A fixed-capacity ring of rows (time + one value per series) for the live chart. uPlot wants one array per
// column in time order; `columns()` copies the ring out in that shape. Memory never grows past `capacity` rows.

export interface TimeWindow {
  /** Appends a row (seconds, as uPlot's time axis wants); overwrites the oldest row when full. */
  push(timeSec: number, values: readonly (number | null)[]): void;
  /** Rows with time >= sinceSec, oldest first: [times, series 1, series 2, …]. */
  columns(sinceSec?: number): (number | null)[][];
  readonly size: number;
  readonly capacity: number;
  /** Rows overwritten because the ring was full. */
  readonly overwritten: number;
  clear(): void;
}

export function createTimeWindow(seriesCount: number, capacity: number): TimeWindow {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error(`time window capacity must be a positive integer, got ${capacity}`);
  const times = new Float64Array(capacity);
  const values: (number | null)[][] = Array.from({ length: seriesCount }, () =>
    new Array<number | null>(capacity).fill(null),
  );
  let head = 0;
  let size = 0;
  let overwritten = 0;

  return {
    push(timeSec, row) {
      // Rows must stay in time order for uPlot; a row from the past (clock step) replaces nothing and is ignored.
      if (size > 0 && timeSec < times[(head - 1 + capacity) % capacity]) return;
      times[head] = timeSec;
      for (let s = 0; s < seriesCount; s++) {
        const v = row[s];
        values[s][head] = v === null || v === undefined || !Number.isFinite(v) ? null : v;
      }
      head = (head + 1) % capacity;
      if (size < capacity) size++;
      else overwritten++;
    },
    columns(sinceSec = Number.NEGATIVE_INFINITY) {
      const start = (head - size + capacity) % capacity;
      let skip = 0;
      while (skip < size && times[(start + skip) % capacity] < sinceSec) skip++;
      const n = size - skip;
      const out: (number | null)[][] = [new Array<number | null>(n)];
      for (let s = 0; s < seriesCount; s++) out.push(new Array<number | null>(n));
      for (let i = 0; i < n; i++) {
        const idx = (start + skip + i) % capacity;
        out[0][i] = times[idx];
        for (let s = 0; s < seriesCount; s++) out[s + 1][i] = values[s][idx];
      }
      return out;
    },
    get size() {
      return size;
    },
    capacity,
    get overwritten() {
      return overwritten;
    },
    clear() {
      head = 0;
      size = 0;
    },
  };
}
