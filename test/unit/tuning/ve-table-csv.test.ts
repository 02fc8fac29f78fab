import { describe, expect, it } from 'vitest';
import { formatVeTableCsv, parseVeTableCsv } from '../../../server/tuning/index.js';

const RPM_ROWS = 'rpm\\map,20,60,100\n1000,50.0,60.5,70.0\n2000,55.0,65.0,75.25\n';

describe('parseVeTableCsv / formatVeTableCsv', () => {
  it('reads rows by rpm and writes the same layout back', () => {
    const csv = parseVeTableCsv(RPM_ROWS);
    expect(csv.axes).toEqual({ rpm: [1000, 2000], load: [20, 60, 100] });
    expect([...csv.values]).toEqual([50, 60.5, 70, 55, 65, 75.25]);
    expect(csv.layout).toEqual({ corner: 'rpm\\map', loadRows: false, separator: ',', decimals: 2 });
    const out = formatVeTableCsv(csv.axes, csv.layout, (k) => csv.values[k].toFixed(csv.layout.decimals));
    expect(out).toBe('rpm\\map,20,60,100\n1000,50.00,60.50,70.00\n2000,55.00,65.00,75.25\n');
  });

  it('reads a table whose rows are load breakpoints (corner starting with the load) and keeps that orientation', () => {
    const csv = parseVeTableCsv('map;1000;2000\n20;50;55\n60;60;65\n100;70;75\n');
    expect(csv.axes).toEqual({ rpm: [1000, 2000], load: [20, 60, 100] });
    // Row-major by rpm inside, whatever the file's orientation.
    expect([...csv.values]).toEqual([50, 60, 70, 55, 65, 75]);
    expect(formatVeTableCsv(csv.axes, csv.layout, (k) => String(csv.values[k]))).toBe(
      'map;1000;2000\n20;50;55\n60;60;65\n100;70;75\n',
    );
  });

  it('names the row and column of a bad cell, a short row, or a descending axis', () => {
    expect(() => parseVeTableCsv('rpm,20,60\n1000,50,x\n2000,55,65\n')).toThrow('row 2, column 3: "x" is not a number');
    expect(() => parseVeTableCsv('rpm,20,60\n1000,50\n2000,55,65\n')).toThrow('row 2: 2 columns, the header has 3');
    expect(() => parseVeTableCsv('rpm,20,60\n2000,50,60\n1000,55,65\n')).toThrow(/first column \(rpm axis\)\[1\]/);
    expect(() => parseVeTableCsv('rpm,20,60\n')).toThrow(/at least two rows/);
  });
});
