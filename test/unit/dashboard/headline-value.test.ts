import { describe, expect, it } from 'vitest';
import { headlineRange, headlineValue } from '../../../server/dashboard/web/headline-value.js';

describe('headlineValue', () => {
  it('shows coast-down drum power as 0 with the signed value small, and keeps the gauge at 0', () => {
    expect(headlineValue('power', -244.04, 1)).toEqual({
      text: '0.0',
      note: 'coast −244.0',
      gauge: 0,
      coasting: true,
    });
    expect(headlineValue('torque', -80, 0)).toMatchObject({ text: '0', note: 'coast −80', coasting: true });
  });

  it('leaves positive power, other quantities and values that round to 0 as they are', () => {
    expect(headlineValue('power', 97.26, 1)).toEqual({ text: '97.3', note: '', gauge: 97.26, coasting: false });
    expect(headlineValue('ambient_temp', -5, 1)).toMatchObject({ text: '-5.0', coasting: false });
    expect(headlineValue('power', -0.04, 1)).toMatchObject({ text: '0.0', note: '', coasting: false });
    expect(headlineValue('power', null, 1)).toMatchObject({ text: '—', coasting: false });
  });
});

describe('headlineRange', () => {
  it('starts the power and torque gauges at 0 when a suggested range reaches below it', () => {
    expect(headlineRange('power', -300, 200)).toEqual([0, 200]);
    expect(headlineRange('torque', -250, 200)).toEqual([0, 200]);
    expect(headlineRange('ambient_temp', -10, 50)).toEqual([-10, 50]);
    expect(headlineRange('power', -300, -100)).toEqual([-300, -100]);
  });
});
