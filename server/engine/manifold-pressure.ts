import type { EngineProfile } from './types.js';

/**
 * Steady-state manifold absolute pressure (kPa) for a throttle opening and engine speed.
 * Not a flow simulation, but shaped like one: a nearly closed throttle gives ~30–37 kPa at idle and ~20 kPa on a
 * high-rpm overrun; WOT gives ~97 % of barometric (a little less at high rpm, intake restriction); at part throttle
 * MAP falls as rpm rises (the engine pumps more air than the throttle passes), so a 20 % pull sweeps ~55 → 36 kPa
 * and pulls at 20/40/60/80/100 % TPS cover the grid's MAP rows 30–100.
 */
export function steadyMapKpa(p: EngineProfile, tpsPct: number, rpm: number, baroKpa: number): number {
  const n = Math.min(1.1, Math.max(0, rpm / p.redlineRpm));
  const x = Math.min(1, Math.max(0, tpsPct / 100));
  const wot = 0.985 - 0.03 * n * n;
  const closed = 0.32 - 0.12 * n;
  const opening = x ** (0.45 + 0.5 * n);
  return baroKpa * (closed + (wot - closed) * opening);
}

/**
 * Manifold pressure below which the engine makes no net torque (friction and pumping eat it all), kPa. Friction
 * grows with speed, so a barely open throttle runs out of torque before redline and such a pull stalls out.
 */
export function zeroTorqueMapKpa(p: EngineProfile, rpm: number): number {
  return 15 + (10 * rpm) / p.redlineRpm;
}
