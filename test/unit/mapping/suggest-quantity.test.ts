import { describe, expect, it } from 'vitest';
import { suggestQuantity } from '../../../server/mapping/suggest-quantity.js';
import { createFakeChannelRegistry, populateSimulatorChannels } from '../../support/fake-channel-registry.js';
import { ATMO_PROVIDER, SIMULATOR_CHANNELS } from '../../support/simulator-channels.js';

function inputsFor(unitOverride?: number) {
  const registry = createFakeChannelRegistry();
  populateSimulatorChannels(registry, { unitOverride });
  const channels = registry.catalog().channels;
  return SIMULATOR_CHANNELS.map((spec) => {
    const meta = channels.find((channel) => channel.providerName === spec.provider && channel.name === spec.name);
    if (!meta) throw new Error(`missing ${spec.name}`);
    return {
      spec,
      input: {
        name: meta.name,
        unit: meta.unit,
        providerName: meta.providerName,
        values: registry.history(meta.key).map((sample) => sample.value),
        min: meta.min,
        max: meta.max,
        siblings: channels
          .filter((other) => other.providerId === meta.providerId && other.key !== meta.key)
          .map((other) => other.name),
      },
    };
  });
}

describe('suggestQuantity on the simulator channel set', () => {
  it.each(inputsFor().map(({ spec, input }) => [spec.name, spec.unit, spec.quantity, input] as const))(
    '%s (unit %i) → %s',
    (_name, _unit, quantity, input) => {
      const suggestion = suggestQuantity(input);
      expect(suggestion.quantity, suggestion.reasons.join(' | ')).toBe(quantity);
      expect(suggestion.confidence).toBeGreaterThanOrEqual(0.7);
    },
  );

  it.each(inputsFor(255).map(({ spec, input }) => [spec.name, spec.quantity, input] as const))(
    '%s with unit 255 (name only) → %s',
    (_name, quantity, input) => {
      const suggestion = suggestQuantity(input);
      expect(suggestion.quantity, suggestion.reasons.join(' | ')).toBe(quantity);
      expect(suggestion.confidence).toBeGreaterThanOrEqual(0.5);
      expect(suggestion.confidence).toBeLessThanOrEqual(1);
    },
  );

  it('is less confident with the name alone than with the unit byte as well', () => {
    const withUnit = inputsFor();
    const nameOnly = inputsFor(255);
    const rpm = (list: typeof withUnit) =>
      suggestQuantity(list.find(({ spec }) => spec.name === 'Digital RPM 1')!.input);
    expect(rpm(nameOnly).confidence).toBeLessThan(rpm(withUnit).confidence);
  });
});

describe('suggestQuantity word boundaries and the older mislabels', () => {
  it('"Correction Factor" is not ECT', () => {
    const suggestion = suggestQuantity({ name: 'Correction Factor', unit: 255 });
    expect(suggestion.quantity).toBe('correction_factor');
  });

  it('"Speed" is not RPM, with or without its unit', () => {
    expect(suggestQuantity({ name: 'Speed', unit: 2 }).quantity).toBe('speed');
    expect(suggestQuantity({ name: 'Speed', unit: 255 }).quantity).toBe('speed');
  });

  it('"Humidity" is not AFR even at an AFR-like value of 13.7 %', () => {
    const suggestion = suggestQuantity({ name: 'Humidity', unit: 255, values: [13.7, 13.7, 13.8] });
    expect(suggestion.quantity).toBe('humidity');
  });

  it('a barometric "Pressure" is not MAP, even from a provider without a telling name', () => {
    const steady = Array.from({ length: 50 }, (_, i) => 101.2 + (i % 3) * 0.05);
    const suggestion = suggestQuantity({ name: 'Pressure', unit: 7, providerName: 'Power Core', values: steady });
    expect(suggestion.quantity).toBe('baro');
    expect(suggestion.reasons.join(' ')).toMatch(/steady/);
  });

  it('a "Pressure" that moves with the throttle is MAP', () => {
    const pull = Array.from({ length: 50 }, (_, i) => 30 + i * 1.4);
    const suggestion = suggestQuantity({ name: 'Pressure', unit: 7, providerName: 'Power Core', values: pull });
    expect(suggestion.quantity).toBe('map');
  });

  it('an unnamed pressure channel is told apart by its values', () => {
    const idle = Array.from({ length: 20 }, () => 31);
    expect(suggestQuantity({ name: 'Channel 39', unit: 7, values: idle }).quantity).toBe('map');
    const steady = Array.from({ length: 20 }, () => 99.8);
    expect(suggestQuantity({ name: 'Channel 39', unit: 7, values: steady }).quantity).toBe('baro');
  });

  it('"Sampling" and "TCP TX kB/s" (unit 255) stay unmapped instead of becoming spark and knock', () => {
    expect(suggestQuantity({ name: 'Sampling', unit: 255 }).quantity).toBeNull();
    const tcp = suggestQuantity({ name: 'TCP TX kB/s', unit: 255 });
    expect(tcp.quantity).toBeNull();
    expect(tcp.reasons.join(' ')).toMatch(/diagnostic/);
  });

  it('"Internal Temp 1" (unit 6) is neither ECT nor IAT', () => {
    expect(suggestQuantity({ name: 'Internal Temp 1', unit: 6, values: [41, 41.5] }).quantity).toBeNull();
  });

  it('the unit byte wins over a contradicting name', () => {
    // An atmospheric probe was seen labelling pressure as a temperature.
    const suggestion = suggestQuantity({
      name: 'Temperature 2',
      unit: 7,
      providerName: ATMO_PROVIDER,
      values: Array.from({ length: 20 }, () => 100.9),
    });
    expect(suggestion.quantity).toBe('baro');
    expect(suggestion.reasons.join(' ')).toMatch(/unit byte wins/);
    expect(suggestion.confidence).toBeLessThan(0.9);
  });

  it('values far outside the plausible range lower the confidence below acceptance', () => {
    const rpmLike = Array.from({ length: 20 }, (_, i) => 2000 + i * 100);
    const suggestion = suggestQuantity({ name: 'AFR', unit: 255, values: rpmLike });
    expect(suggestion.candidate).toBe('afr_front');
    expect(suggestion.quantity).toBeNull();
    expect(suggestion.reasons.join(' ')).toMatch(/outside the plausible/);
  });

  it('tolerates a minority of implausible values (a wideband reading free air before start-up)', () => {
    const values = [...Array.from({ length: 5 }, () => 35), ...Array.from({ length: 15 }, () => 13.1)];
    const suggestion = suggestQuantity({ name: 'AFR 1', unit: 255, values });
    expect(suggestion.quantity).toBe('afr_front');
    expect(suggestion.reasons.join(' ')).toMatch(/5 of 20 recent values .* \(tolerated\)/);
  });

  it('a unit with no quantity in the vocabulary maps to nothing', () => {
    expect(suggestQuantity({ name: 'Gear Ratio', unit: 9 }).quantity).toBeNull();
  });

  it('names in other spellings: AFR1, A/F 2, Lambda 2, Engine RPM, MAP kPa, IAT F, Coolant Temp, Throttle Position', () => {
    const cases: [string, string][] = [
      ['AFR1', 'afr_front'],
      ['A/F 2', 'afr_rear'],
      ['AFR Meas R', 'afr_rear'],
      ['Lambda 2', 'lambda_rear'],
      ['Engine RPM', 'rpm'],
      ['MAP kPa', 'map'],
      ['IAT F', 'iat'],
      ['Coolant Temp', 'ect'],
      ['Throttle Position', 'tps'],
      ['Horsepower', 'power'],
      ['Torque Drum 1', 'torque'],
      ['Barometric Pressure', 'baro'],
    ];
    for (const [name, quantity] of cases) expect(suggestQuantity({ name, unit: 255 }).quantity, name).toBe(quantity);
  });
});
