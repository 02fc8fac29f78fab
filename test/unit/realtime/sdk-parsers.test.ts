import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../client-sdk/src/cli/format-table.js';
import { parseCondition } from '../../../client-sdk/src/cli/parse-condition.js';
import { parseDuration } from '../../../client-sdk/src/cli/parse-duration.js';
import { renderProgress } from '../../../client-sdk/src/cli/render-progress.js';
import { decodeDataFrame } from '../../../client-sdk/src/decode-data-frame.js';
import type { StreamChannel } from '@jetdrive-hub/client/contract';
import { parseSelector } from '../../../client-sdk/src/parse-selector.js';

describe('CLI parsers', () => {
  it('parses conditions with names that contain spaces and slashes', () => {
    const condition = parseCondition('Air/Fuel Ratio 1 <= 12.5');
    expect([condition.selector, condition.operator, condition.threshold]).toEqual(['Air/Fuel Ratio 1', '<=', 12.5]);
    expect([condition.test(12.5), condition.test(12.6)]).toEqual([true, false]);
    expect(parseCondition('quantity:rpm>5000').test(5001)).toBe(true);
    expect(parseCondition('x != -1e3').test(-1000)).toBe(false);
    expect(() => parseCondition('> 5')).toThrow("expected '<selector> <op> <number>'");
    expect(() => parseCondition('RPM > fast')).toThrow('condition "RPM > fast"');
  });

  it('parses durations', () => {
    expect([
      parseDuration('30s'),
      parseDuration('500ms'),
      parseDuration('2m'),
      parseDuration('1.5h'),
      parseDuration('7'),
    ]).toEqual([30_000, 500, 120_000, 5_400_000, 7_000]);
    expect(() => parseDuration('soon')).toThrow('duration "soon"');
  });

  it('turns selector text into selectors', () => {
    expect(parseSelector('quantity:rpm')).toEqual({ quantity: 'rpm' });
    expect(parseSelector('q:afr_front')).toEqual({ quantity: 'afr_front' });
    expect(parseSelector('provider:0x43FD')).toEqual({ provider: '0x43FD' });
    expect(parseSelector('provider:17405')).toEqual({ provider: 17405 });
    expect(parseSelector('key:17405:42')).toEqual({ key: '17405:42' });
    expect(parseSelector(' *RPM* ')).toBe('*RPM*');
    expect(parseSelector('Power Core/Torque')).toBe('Power Core/Torque');
  });

  it('formats tables and progress bars', () => {
    expect(
      formatTable(
        ['name', 'n'],
        [
          ['a', 1],
          ['bbb', 22],
        ],
      ),
    ).toBe('name   n\n----  --\na      1\nbbb   22');
    expect(renderProgress(50, 'pull 2', 10)).toBe('[#####.....]  50%  pull 2');
    expect(renderProgress(140, 'x', 4)).toBe('[####] 100%  x');
  });
});

describe('decodeDataFrame', () => {
  const channel = (index: number, name: string): StreamChannel => ({
    index,
    key: `1:${index}`,
    providerId: 1,
    providerName: 'P',
    channelId: index,
    name,
    displayName: name,
    unit: 'RPM',
    unitCode: 8,
    quantity: null,
    last: null,
  });

  it('expands records relative to the frame base and skips removed channels', () => {
    const view = {
      id: 7,
      envelope: false,
      channels: new Map([
        [0, channel(0, 'A')],
        [2, channel(2, 'C')],
      ]),
    };
    const samples = decodeDataFrame([7, 1_000, 500, 0, 0, 1.5, 0, 1, 5, 9, 5, 2, 10.5, 3.25, 10], view);
    expect(samples.map((s) => [s.channel, s.time, s.value, s.providerTs])).toEqual([
      ['A', 1_000, 1.5, 500],
      ['C', 1_010.5, 3.25, 510],
    ]);
  });

  it('reads min and max with an envelope', () => {
    const view = { id: 1, envelope: true, channels: new Map([[0, channel(0, 'A')]]) };
    expect(decodeDataFrame([1, 10, 0, 0, 0, 5, 0, 1, 9], view)).toEqual([
      expect.objectContaining({ value: 5, min: 1, max: 9, time: 10 }),
    ]);
  });
});
