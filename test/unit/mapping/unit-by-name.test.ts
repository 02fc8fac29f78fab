import { describe, expect, it } from 'vitest';
import { unitByName } from '../../../server/mapping/unit-by-name.js';
import { UNIT_LABELS, UNIT_NAMES } from '../../../server/protocol/types.js';

describe('unitByName: the unit labels and names the API prints, as JetDrive unit bytes', () => {
  it('takes every label and every name the API prints with a unit, whatever the case', () => {
    for (const [byte, label] of Object.entries(UNIT_LABELS)) {
      if (label === '') continue;
      expect(unitByName(label), label).toEqual({ ok: true, unit: Number(byte) });
      expect(unitByName(label.toUpperCase()), label).toEqual({ ok: true, unit: Number(byte) });
    }
    for (const [byte, name] of Object.entries(UNIT_NAMES)) {
      expect(unitByName(` ${name.toLowerCase()} `), name).toEqual({ ok: true, unit: Number(byte) });
    }
  });

  it('takes ASCII spellings of the labels with other characters', () => {
    expect(unitByName('N.m')).toEqual({ ok: true, unit: 5 });
    expect(unitByName('Nm')).toEqual({ ok: true, unit: 5 });
    expect(unitByName('degC')).toEqual({ ok: true, unit: 6 });
    expect(unitByName('lambda')).toEqual({ ok: true, unit: 13 });
  });

  it('refuses a display unit, naming the wire unit to use', () => {
    const hp = unitByName('hp');
    expect(hp).toEqual({ ok: false, message: expect.stringMatching(/"hp" is a display unit.*use "kW" \(Power, 4\)/) });
    expect(unitByName('°F')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/use "°C" \(Temperature, 6\)/),
    });
  });

  it('refuses an unknown unit, listing the accepted ones', () => {
    expect(unitByName('furlongs')).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^unknown unit "furlongs"; use a JetDrive unit byte \(0–255\) or one of .*kPa \(Pressure\) = 7/,
      ),
    });
  });
});
