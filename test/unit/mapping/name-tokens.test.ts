import { describe, expect, it } from 'vitest';
import { channelPosition, hasPhrase, nameTokens } from '../../../server/mapping/name-tokens.js';

describe('nameTokens / hasPhrase / channelPosition', () => {
  it('splits on punctuation and between letters and digits', () => {
    expect(nameTokens('Air/Fuel Ratio 1')).toEqual(['air', 'fuel', 'ratio', '1']);
    expect(nameTokens('AFR1')).toEqual(['afr', '1']);
    expect(nameTokens('TCP TX kB/s')).toEqual(['tcp', 'tx', 'kb', 's']);
    expect(nameTokens('  ')).toEqual([]);
  });

  it('matches whole words only', () => {
    expect(hasPhrase(nameTokens('Correction Factor'), ['ect'])).toBe(false);
    expect(hasPhrase(nameTokens('Engine Temp'), ['engine', 'temp'])).toBe(true);
    expect(hasPhrase(nameTokens('Temp Engine'), ['engine', 'temp'])).toBe(false);
    expect(hasPhrase(nameTokens('Mapping'), ['map'])).toBe(false);
  });

  it('finds the position word nearest the end', () => {
    expect(channelPosition(nameTokens('Air/Fuel Ratio 2'))).toBe('second');
    expect(channelPosition(nameTokens('AFR Meas F'))).toBe('first');
    expect(channelPosition(nameTokens('Lambda Rear'))).toBe('second');
    expect(channelPosition(nameTokens('Lambda'))).toBeNull();
  });
});
