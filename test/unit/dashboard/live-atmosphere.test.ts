import { describe, expect, it } from 'vitest';
import { correctionFactor, runAtmosphere } from '../../../server/curves/index.js';
import { createLiveAtmosphere } from '../../../server/dashboard/web/live-atmosphere.js';

// The live pull's air: the probe's newest readings under the rules a recorded run's air follows on the hub.

const sample = (key: string, quantity: string, unitCode: number, value: number, name = key) => ({
  key,
  name,
  quantity,
  unitCode,
  value,
});

describe('createLiveAtmosphere', () => {
  it('takes the probe’s temperature, pressure and humidity, and gives the factor the hub gives a run in that air', () => {
    const air = createLiveAtmosphere();
    air.offer(sample('2:3', 'ambient_temp', 6, 31.5), 0);
    air.offer(sample('2:2', 'baro', 7, 96.2), 0);
    air.offer(sample('2:1', 'humidity', 16, 40), 0);
    const live = air.current(1000);
    expect(live).toMatchObject({ tempC: 31.5, pressureKpa: 96.2, humidityPct: 40, defaulted: false });
    const t = Float64Array.from([0]);
    const run = runAtmosphere({
      channels: [
        { name: '2:3', quantity: 'ambient_temp', unit: '°C', t, v: Float64Array.from([31.5]) },
        { name: '2:2', quantity: 'baro', unit: 'kPa', t, v: Float64Array.from([96.2]) },
        { name: '2:1', quantity: 'humidity', unit: '%', t, v: Float64Array.from([40]) },
      ],
    });
    expect(correctionFactor('sae', live).factor).toBe(correctionFactor('sae', run).factor);
    expect(correctionFactor('sae', live).factor).toBeGreaterThan(1.04);
  });

  it('falls back to the default, saying so, for a missing, stale, implausible or wrongly-unitted reading', () => {
    const air = createLiveAtmosphere(5000);
    air.offer(sample('2:3', 'ambient_temp', 6, 30), 0);
    air.offer(sample('9:9', 'baro', 14, 99), 0); // volts: not a pressure
    air.offer(sample('2:1', 'humidity', 16, 140), 0);
    expect(air.current(1000)).toMatchObject({
      tempC: 30,
      pressureKpa: 101.325,
      humidityPct: 50,
      defaulted: true,
      sources: { tempC: 'run', pressureKpa: 'default', humidityPct: 'default' },
    });
    expect(air.current(1000).notes.join('; ')).toMatch(/no baro channel in the live data.*"2:1" reads 140/);
    expect(air.current(6000)).toMatchObject({ tempC: 25, sources: { tempC: 'default' } });
  });

  it('keeps to the first channel of a quantity while it reports, and takes another once it went quiet', () => {
    const air = createLiveAtmosphere(5000);
    air.offer(sample('2:3', 'ambient_temp', 6, 20), 0);
    air.offer(sample('7:1', 'ambient_temp', 6, 45), 100);
    expect(air.current(200).tempC).toBe(20);
    air.offer(sample('7:1', 'ambient_temp', 6, 45), 5100);
    expect(air.current(5200).tempC).toBe(45);
  });
});
