// The capacity ramp of `npm run bench -- cluster`: viewers (in child processes, every channel) are added to one node
// step by step until their p99 latency (receive time − sample time) exceeds a limit; the node's capacity is the last
// step that met it. A step over the limit is measured once more before the ramp stops (this machine is shared).
import { histogramPercentile } from '../support/histogram-percentile.js';
import { raisePriority } from '../support/raise-priority.js';
import { spawnViewers, type ViewerGroup } from '../support/spawn-viewers.js';

/** Viewers per child process: a burst of more WebSocket handshakes from one address trips the handshake gate. */
export const VIEWER_GROUP = 10;

export async function viewerStats(groups: ViewerGroup[], reset = false) {
  const all = await Promise.all(groups.map((g) => g.stats(reset)));
  const histogram = all[0].histogram.map((_, i) => all.reduce((sum, s) => sum + s.histogram[i], 0));
  return { frames: all.reduce((n, s) => n + s.frames, 0), samples: all.reduce((n, s) => n + s.samples, 0), histogram };
}

export interface RampStep {
  viewers: number;
  p50: number;
  p99: number;
  /** Samples each viewer got per second (every channel: the node's whole input rate when it keeps up). */
  samplesPerViewerS: number;
}

export interface RampOptions {
  steps: readonly number[];
  limitMs: number;
  warmupMs: number;
  measureMs: number;
  /** Raise the viewer processes' scheduling priority (as the caller did the node's and Redis'). */
  raise: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureStep(groups: ViewerGroup[], viewers: number, o: RampOptions): Promise<RampStep> {
  await sleep(o.warmupMs);
  await viewerStats(groups, true);
  const started = performance.now();
  await sleep(o.measureMs);
  const s = await viewerStats(groups, true);
  const seconds = (performance.now() - started) / 1000;
  return {
    viewers,
    p50: histogramPercentile(s.histogram, 0.5),
    p99: histogramPercentile(s.histogram, 0.99),
    samplesPerViewerS: s.samples / viewers / seconds,
  };
}

/** Ramps viewers on `url`; resolves with the last count whose p99 met the limit (0 if none) and every step. */
export async function rampViewers(url: string, o: RampOptions): Promise<{ capacity: number; steps: RampStep[] }> {
  const groups: ViewerGroup[] = [];
  const steps: RampStep[] = [];
  let viewers = 0;
  let capacity = 0;
  try {
    for (const target of o.steps) {
      while (viewers < target) {
        const clients = Math.min(VIEWER_GROUP, target - viewers);
        const group = await spawnViewers({ url, clients, selectors: ['*'] });
        if (o.raise && group.child.pid !== undefined) raisePriority(group.child.pid);
        groups.push(group);
        viewers += clients;
      }
      let step = await measureStep(groups, viewers, o);
      if (step.p99 > o.limitMs) step = await measureStep(groups, viewers, o);
      steps.push(step);
      if (step.p99 > o.limitMs) break;
      capacity = viewers;
    }
  } finally {
    for (const g of groups) await g.close();
  }
  return { capacity, steps };
}

export function describeSteps(steps: readonly RampStep[]): string {
  return steps.map((s) => `${s.viewers}: p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} ms`).join(', ');
}
