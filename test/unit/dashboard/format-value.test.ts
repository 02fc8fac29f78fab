import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatClock,
  formatDuration,
  formatOffset,
  formatValue,
  isStale,
} from '../../../server/dashboard/web/format-value.js';

describe('formatValue', () => {
  it('rounds to the requested decimals', () => {
    expect(formatValue(5432.4, 0)).toBe('5432');
    expect(formatValue(13.456, 2)).toBe('13.46');
    expect(formatValue(0.8, 3)).toBe('0.800');
  });

  it('shows a dash for no value and never a negative zero', () => {
    expect(formatValue(null, 1)).toBe('—');
    expect(formatValue(Number.NaN, 1)).toBe('—');
    expect(formatValue(Number.POSITIVE_INFINITY, 1)).toBe('—');
    expect(formatValue(-0.04, 1)).toBe('0.0');
    expect(formatValue(-0.4, 0)).toBe('0');
    expect(formatValue(-0.06, 1)).toBe('-0.1');
  });

  it('clamps silly decimals from a suggestion', () => {
    expect(formatValue(1.5, -2)).toBe('2');
    expect(formatValue(1, 20)).toBe('1.000000');
  });
});

describe('formatOffset / formatAge / formatDuration', () => {
  it('signs the clock offset and switches to seconds past 1 s', () => {
    expect(formatOffset(12.4)).toBe('+12 ms');
    expect(formatOffset(-1340)).toBe('−1.3 s');
    expect(formatOffset(null)).toBe('—');
  });

  it('describes ages', () => {
    expect(formatAge(null)).toBe('never');
    expect(formatAge(200)).toBe('now');
    expect(formatAge(2500)).toBe('2.5 s ago');
    expect(formatAge(125_000)).toBe('2 min ago');
  });

  it('describes durations', () => {
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('isStale', () => {
  it('is stale without a sample and after staleMs', () => {
    expect(isStale(null, 1000, 500)).toBe(true);
    expect(isStale(600, 1000, 500)).toBe(false);
    expect(isStale(499, 1000, 500)).toBe(true);
  });
});

describe('formatClock', () => {
  it('shows small offsets, and epoch-sized ones as synced', () => {
    expect(formatClock(null, null)).toBe('clock not synced');
    expect(formatClock(-250, 0.42)).toBe('clock −250 ms · 0.4 ms');
    expect(formatClock(1.7e12, 1)).toBe('clock synced · 1.0 ms');
  });
});
