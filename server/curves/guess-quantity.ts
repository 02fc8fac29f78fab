import { siConversion } from './si-units.js';

// An imported third-party CSV says a column's name and unit, not its quantity. The hub's channel mapping
// (`server/mapping/`) is the authority and the wiring may pass its suggestion instead; this default reads what the
// unit makes unambiguous (power, torque, speed, RPM, AFR, λ) and the few atmospheric names dyno software writes.

/** What a resolver is told: the column's name, its unit label, and the quantities already given to earlier columns. */
export type QuantityResolver = (name: string, unit: string, taken: ReadonlySet<string>) => string | null;

const first = (taken: ReadonlySet<string>, ...candidates: string[]): string | null =>
  candidates.find((q) => !taken.has(q)) ?? null;

const ENGINE_SIDE = /intake|iat|inlet|engine|coolant|ect|oil|exhaust|egt|manifold|map|boost|fuel/i;

export const guessQuantity: QuantityResolver = (name, unit, taken) => {
  const si = siConversion(unit)?.si;
  switch (si) {
    case 'kW':
      return first(taken, 'power');
    case 'N·m':
      return first(taken, 'torque');
    case 'km/h':
      return first(taken, 'speed');
    case 'RPM':
      return first(taken, 'rpm', 'rpm_2');
    case 'AFR':
      return /rear|\b2\b/i.test(name) ? first(taken, 'afr_rear') : first(taken, 'afr_front', 'afr_rear');
    case 'λ':
      return /rear|\b2\b/i.test(name) ? first(taken, 'lambda_rear') : first(taken, 'lambda_front', 'lambda_rear');
    case '°C':
      return !ENGINE_SIDE.test(name) && /ambient|atmos|air|temp/i.test(name) ? first(taken, 'ambient_temp') : null;
    case 'kPa':
      return !ENGINE_SIDE.test(name) && /baro|atmos|ambient|pressure/i.test(name) ? first(taken, 'baro') : null;
    case '%':
      return /humid/i.test(name) ? first(taken, 'humidity') : null;
    default:
      return null;
  }
};
