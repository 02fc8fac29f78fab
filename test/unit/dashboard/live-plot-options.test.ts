import { describe, expect, it } from 'vitest';
import { LIVE_SERIES } from '../../../server/dashboard/web/create-live-chart.js';
import { livePlotOptions } from '../../../server/dashboard/web/live-plot-options.js';

describe('livePlotOptions', () => {
  it('labels every axis', () => {
    const options = livePlotOptions(LIVE_SERIES, 800, 300, 30);
    expect(options.axes?.map((a) => a.label)).toEqual(['Seconds ago', 'RPM', 'Power / Torque', 'AFR']);
  });
});
