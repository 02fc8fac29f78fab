import type { SimFrame } from '../engine/sim-frame.js';

/** The current or last pull, like the older GET /simulator/pull-data. */
export interface PullData {
  pull: number;
  /** True while the pull is still running. */
  running: boolean;
  frames: readonly SimFrame[];
  /** Frames not kept because maxPullFrames was reached. */
  droppedFrames: number;
  peakHp: number;
  hpPeakRpm: number;
  peakTq: number;
  tqPeakRpm: number;
}

export const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Keeps the frames of the current or last pull (at most `maxFrames`, the rest counted) and reports its peaks. */
export class PullRecorder {
  readonly #maxFrames: number;
  #last: { pull: number; frames: SimFrame[]; droppedFrames: number } | null = null;

  constructor(maxFrames: number) {
    this.#maxFrames = maxFrames;
  }

  /** Records a frame of a pull; frames of other states are ignored, a new pull number starts a new record. */
  record(frame: SimFrame): void {
    if (frame.state !== 'pull') return;
    if (!this.#last || this.#last.pull !== frame.pull) this.#last = { pull: frame.pull, frames: [], droppedFrames: 0 };
    if (this.#last.frames.length < this.#maxFrames) this.#last.frames.push(frame);
    else this.#last.droppedFrames++;
  }

  /** Frames and peaks of the recorded pull; null before the first. `running` says whether that pull still runs. */
  data(running: (pull: number) => boolean): PullData | null {
    if (!this.#last) return null;
    const { pull, frames, droppedFrames } = this.#last;
    let hp: SimFrame | null = null;
    let tq: SimFrame | null = null;
    for (const f of frames) {
      if (!hp || f.hp > hp.hp) hp = f;
      if (!tq || f.ftlb > tq.ftlb) tq = f;
    }
    return {
      pull,
      running: running(pull),
      frames,
      droppedFrames,
      peakHp: hp ? round(hp.hp, 1) : 0,
      hpPeakRpm: hp ? Math.round(hp.rpm) : 0,
      peakTq: tq ? round(tq.ftlb, 1) : 0,
      tqPeakRpm: tq ? Math.round(tq.rpm) : 0,
    };
  }
}
