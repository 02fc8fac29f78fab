import { describe, expect, it } from 'vitest';
import { compileSelector } from '../../../server/channels/compile-selector.js';
import { SelectorError } from '../../../server/channels/selector-error.js';
import type { ChannelMeta } from '../../../server/channels/types.js';
import { channelMeta } from '../../support/channel-meta.js';

const meta = (name: string, providerName = 'Power Core', displayName = name): ChannelMeta =>
  channelMeta({ providerId: 17, providerName, channelId: name.length, name, displayName });

describe('compileSelector', () => {
  it('matches exact name, display name, Provider/Channel and key', () => {
    const m = meta('Digital RPM 1', 'Power Core', 'Power Core/Digital RPM 1');
    expect(compileSelector('Digital RPM 1')(m)).toBe(true);
    expect(compileSelector('Power Core/Digital RPM 1')(m)).toBe(true);
    expect(compileSelector(m.key)(m)).toBe(true);
    expect(compileSelector('Digital RPM')(m)).toBe(false);
    expect(compileSelector('digital rpm 1')(m)).toBe(false);
  });

  it('matches globs case-insensitively, with * crossing "/"', () => {
    expect(compileSelector('*rpm*')(meta('Digital RPM 2'))).toBe(true);
    expect(compileSelector('Power Core/*')(meta('Air/Fuel Ratio 1'))).toBe(true);
    expect(compileSelector('Air/Fuel Ratio [12]')(meta('Air/Fuel Ratio 2'))).toBe(true);
    expect(compileSelector('Air/Fuel Ratio [12]')(meta('Air/Fuel Ratio 3'))).toBe(false);
    expect(compileSelector('Dynojet RT/*')(meta('Torque'))).toBe(false);
  });

  it('matches a name with glob characters exactly', () => {
    expect(compileSelector('Power (uncorrected)')(meta('Power (uncorrected)'))).toBe(true);
  });

  it('passes predicates through', () => {
    const predicate = (m: ChannelMeta) => m.unit === 255;
    expect(compileSelector(predicate)).toBe(predicate);
  });
});

describe('compileSelector with a glob that cannot compile', () => {
  it('throws INVALID_SELECTOR naming the selector and the reason instead of matching the exact name', () => {
    const huge = `*${'a'.repeat(70_000)}*`;
    let thrown: unknown;
    try {
      compileSelector(huge);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SelectorError);
    expect(thrown).toMatchObject({ code: 'INVALID_SELECTOR', status: 400, field: 'selector' });
    expect((thrown as Error).message).toMatch(/^selector "\*a+": not a valid glob \(.*exceeds maximum allowed length/);
  });
});
