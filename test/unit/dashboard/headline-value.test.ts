import { describe, expect, it } from 'vitest';
import { headlineValue } from '../../../server/dashboard/web/headline-value.js';

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
