import type { EngineProfile } from './types.js';

/** HP = torque (ft·lb) × rpm / 5252: the relation the profile figures are quoted in. */
export const HP_RPM_CONSTANT = 5252;

/** WOT torque at the idle speed, as a fraction of peak torque. */
const IDLE_TORQUE_FRACTION = 0.6;
/** Power at redline, as a fraction of peak power (a gentle fall past the power peak). */
const REDLINE_POWER_FRACTION = 0.92;

/**
 * Wide-open-throttle torque (ft·lb, SAE-corrected) at an engine speed, built so that torque peaks at exactly
 * (tqPeakRpm, maxTq) and power at exactly (hpPeakRpm, maxHp), with a smooth (C¹) curve:
 * - idle → torque peak: a parabola rising to the peak with zero slope;
 * - torque peak → power peak: torque falls as T_pk − (T_pk − T_h)·s(u), where s' at the end is chosen so that
 *   d(T·rpm)/drpm = 0 at the power peak (a slope steeper than that would move the power peak earlier);
 * - past the power peak: power falls quadratically to REDLINE_POWER_FRACTION at redline.
 */
export function wotTorqueFtLb(p: EngineProfile, rpm: number): number {
  const tPk = p.maxTq;
  const tH = (p.maxHp * HP_RPM_CONSTANT) / p.hpPeakRpm;
  if (rpm <= p.idleRpm) return tPk * IDLE_TORQUE_FRACTION * Math.max(0, rpm / p.idleRpm);
  if (rpm <= p.tqPeakRpm) {
    const u = (rpm - p.idleRpm) / (p.tqPeakRpm - p.idleRpm);
    const tLo = tPk * IDLE_TORQUE_FRACTION;
    return tLo + (tPk - tLo) * (1 - (1 - u) ** 2);
  }
  if (rpm <= p.hpPeakRpm) {
    const span = p.hpPeakRpm - p.tqPeakRpm;
    const u = (rpm - p.tqPeakRpm) / span;
    // s(1) = 1, s'(0) = 0, s'(1) = k where T_h + rpm·T'(hpPeak) = 0.
    const k = (tH * span) / (p.hpPeakRpm * (tPk - tH));
    const s = k >= 2 ? u ** k : 3 * u * u - 2 * u * u * u + k * (u * u * u - u * u);
    return tPk - (tPk - tH) * s;
  }
  const v = (rpm - p.hpPeakRpm) / (p.redlineRpm - p.hpPeakRpm);
  const hp = p.maxHp * (1 - (1 - REDLINE_POWER_FRACTION) * v * v);
  return (Math.max(0, hp) * HP_RPM_CONSTANT) / rpm;
}
