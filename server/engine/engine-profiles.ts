import type { EngineProfile, EngineProfileId, ProfileSummary } from './types.js';

/** An engine profile plus what the dyno model needs to put that bike on the drum. */
export interface SimEngineProfile extends EngineProfile {
  /**
   * Engine revolutions per drum revolution in the test gear: overall gear ratio × drum radius / tyre radius.
   * It sets both the road speed shown at redline and how much of the drum's inertia the engine feels (÷ ratio²).
   */
  dynoGearRatio: number;
  /** Crank-referred inertia of the bike's own rotating parts (crank, clutch, gearbox, rear wheel), kg·m². */
  bikeInertiaKgM2: number;
  /** Where a shop starts a WOT pull; the pull-time figure is quoted from here to redline. */
  pullFromRpm: number;
}

// Harleys are pulled in 5th/6th: ratio ≈ 2.3–2.6 puts 5800 rpm near 190–210 km/h on the drum, which is what a
// Dynojet 250 shows for a Softail in a high gear. The 600 is pulled in 4th (≈200 km/h at 14,500 rpm).
// pull times that follow from DRUM_INERTIA_KG_M2 and these ratios are in dyno-physics.ts.
export const ENGINE_PROFILES: Readonly<Record<EngineProfileId, SimEngineProfile>> = Object.freeze({
  m8_114: {
    id: 'm8_114',
    name: 'M8-114 Stage 2',
    family: 'Milwaukee-Eight',
    displacementCi: 114,
    cylinders: 2,
    idleRpm: 900,
    redlineRpm: 5800,
    maxHp: 110,
    hpPeakRpm: 5000,
    maxTq: 122,
    tqPeakRpm: 3200,
    gridRpmScale: 1,
    dynoGearRatio: 2.6,
    bikeInertiaKgM2: 0.25,
    pullFromRpm: 2000,
  },
  m8_131: {
    id: 'm8_131',
    name: 'M8-131 Big Bore',
    family: 'Milwaukee-Eight',
    displacementCi: 131,
    cylinders: 2,
    idleRpm: 900,
    redlineRpm: 5600,
    maxHp: 145,
    hpPeakRpm: 5000,
    maxTq: 158,
    tqPeakRpm: 3500,
    gridRpmScale: 1,
    dynoGearRatio: 2.3,
    bikeInertiaKgM2: 0.27,
    pullFromRpm: 2000,
  },
  twin_cam_103: {
    id: 'twin_cam_103',
    name: 'Twin Cam 103',
    family: 'Twin Cam',
    displacementCi: 103,
    cylinders: 2,
    idleRpm: 900,
    redlineRpm: 5500,
    maxHp: 85,
    hpPeakRpm: 4800,
    maxTq: 100,
    tqPeakRpm: 3000,
    gridRpmScale: 1,
    dynoGearRatio: 2.7,
    bikeInertiaKgM2: 0.23,
    pullFromRpm: 2000,
  },
  sportbike_600: {
    id: 'sportbike_600',
    name: 'CBR600RR',
    family: 'Inline-4 sportbike',
    displacementCi: 36.6,
    cylinders: 4,
    idleRpm: 1200,
    redlineRpm: 14500,
    maxHp: 118,
    hpPeakRpm: 13500,
    maxTq: 48,
    tqPeakRpm: 10500,
    // The ECU grid's RPM axis ends at 6500: scale so the grid spans the whole rev range (6500 × 2.23 ≈ redline).
    gridRpmScale: 14500 / 6500,
    dynoGearRatio: 6.2,
    bikeInertiaKgM2: 0.06,
    pullFromRpm: 4000,
  },
});

export const PROFILE_IDS = Object.freeze(Object.keys(ENGINE_PROFILES) as EngineProfileId[]);

export const DEFAULT_PROFILE_ID: EngineProfileId = 'm8_114';

export function isEngineProfileId(id: string): id is EngineProfileId {
  return Object.hasOwn(ENGINE_PROFILES, id);
}

/** The profile, or an error naming the id and the known ones. */
export function getEngineProfile(id: string): SimEngineProfile {
  if (!isEngineProfileId(id)) {
    throw new RangeError(`profile: unknown engine profile "${id}"; known: ${PROFILE_IDS.join(', ')}`);
  }
  return ENGINE_PROFILES[id];
}

/** Shaped like the older GET /simulator/profiles entries. */
export function profileSummary(p: EngineProfile): ProfileSummary {
  return {
    id: p.id,
    name: p.name,
    family: p.family,
    displacement_ci: p.displacementCi,
    idle_rpm: p.idleRpm,
    redline_rpm: p.redlineRpm,
    max_hp: p.maxHp,
    hp_peak_rpm: p.hpPeakRpm,
    max_tq: p.maxTq,
    tq_peak_rpm: p.tqPeakRpm,
  };
}
