import type { Pull, PullPeak, PullPoint } from './pull.js';

function peaksOf(points: readonly PullPoint[]): { power: PullPeak | null; torque: PullPeak | null } {
  let power: PullPeak | null = null;
  let torque: PullPeak | null = null;
  for (const p of points) {
    if (power === null || p.power > power.value) power = { rpm: p.rpm, value: p.power };
    if (torque === null || p.torque > torque.value) torque = { rpm: p.rpm, value: p.torque };
  }
  return { power, torque };
}

/** The climb being watched: its points (bounded by the tracker), highest RPM and running peaks. */
export class PullClimb {
  #points: PullPoint[] = [];
  #startedAt = 0;
  #partial = false;
  #maxRpm = 0;
  #peakPower: PullPeak | null = null;
  #peakTorque: PullPeak | null = null;

  get length(): number {
    return this.#points.length;
  }

  get firstRpm(): number {
    return this.#points[0].rpm;
  }

  get maxRpm(): number {
    return this.#maxRpm;
  }

  /** Starts over from `point`. */
  start(time: number, point: PullPoint, partial: boolean): void {
    this.#points = [point];
    this.#partial = partial;
    this.#startedAt = time;
    this.#maxRpm = point.rpm;
    this.#peakPower = { rpm: point.rpm, value: point.power };
    this.#peakTorque = { rpm: point.rpm, value: point.torque };
  }

  add(point: PullPoint): void {
    this.#points.push(point);
    if (point.rpm > this.#maxRpm) this.#maxRpm = point.rpm;
    if (this.#peakPower === null || point.power > this.#peakPower.value) {
      this.#peakPower = { rpm: point.rpm, value: point.power };
    }
    if (this.#peakTorque === null || point.torque > this.#peakTorque.value) {
      this.#peakTorque = { rpm: point.rpm, value: point.torque };
    }
  }

  clear(): void {
    this.#points = [];
  }

  /** The climb as a pull in progress (its points array is shared, not copied: it grows with the climb). */
  live(): Pull {
    return {
      points: this.#points,
      peakPower: this.#peakPower,
      peakTorque: this.#peakTorque,
      active: true,
      partial: this.#partial,
      startedAt: this.#startedAt,
      endedAt: null,
    };
  }

  /** The climb as a finished pull: up to its highest RPM (throttle closing, the limiter are not part of it). */
  finished(endedAt: number): Pull {
    const all = this.#points;
    let top = 0;
    for (let i = 1; i < all.length; i++) if (all[i].rpm >= all[top].rpm) top = i;
    const points = all.slice(0, top + 1);
    const peaks = peaksOf(points);
    return {
      points,
      peakPower: peaks.power,
      peakTorque: peaks.torque,
      active: false,
      partial: this.#partial,
      startedAt: this.#startedAt,
      endedAt,
    };
  }
}
