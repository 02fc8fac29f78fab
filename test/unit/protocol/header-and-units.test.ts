import { describe, expect, it } from 'vitest';
import {
  FrameDecodeError,
  peekKey,
  readHeader,
  truncateUtf8,
  unitLabel,
  unitName,
} from '../../../server/protocol/index.js';

describe('readHeader / peekKey', () => {
  it('reads the header fields little-endian from a view at an offset', () => {
    const pool = new Uint8Array(64).fill(0x99);
    pool.set([0x02, 0x0a, 0x00, 0x34, 0x12, 0x80, 0xff, 0xff, ...new Array<number>(10).fill(0)], 5);
    expect(readHeader(pool.subarray(5, 23))).toEqual({
      key: 2,
      length: 10,
      host: 0x1234,
      seq: 0x80,
      destination: 0xffff,
    });
  });

  it('throws FrameDecodeError on a header that does not fit', () => {
    expect(() => readHeader(new Uint8Array([2, 10, 0, 1, 0, 0, 0xff, 0xff]))).toThrow(FrameDecodeError);
  });

  it('peeks the key of any non-empty datagram', () => {
    expect(peekKey(new Uint8Array([0x7f]))).toBe(0x7f);
    expect(peekKey(new Uint8Array(0))).toBeUndefined();
  });
});

describe('unitLabel / unitName', () => {
  it.each([
    [7, 'kPa', 'Pressure'],
    [8, 'RPM', 'Engine speed'],
    [11, 'AFR', 'AFR'],
    [255, '', 'No unit'],
    [17, 'unit 17', 'Unit 17'],
  ])('unit %i → %j / %j', (unit, label, name) => {
    expect(unitLabel(unit)).toBe(label);
    expect(unitName(unit)).toBe(name);
  });
});

describe('truncateUtf8', () => {
  it('keeps text that fits and cuts on a character boundary', () => {
    expect(truncateUtf8('RPM', 30)).toBe('RPM');
    expect(truncateUtf8('ab€', 4)).toBe('ab');
    expect(truncateUtf8('ab€', 5)).toBe('ab€');
    expect(truncateUtf8('a\0b', 30)).toBe('a');
  });
});
