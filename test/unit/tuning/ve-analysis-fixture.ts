// What the VE-analysis unit tests import: the analysis, its settings, and a small seeded generator.
export {
  type AnalysisSample,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  type VeAnalysisSettings,
  VeAnalysis,
} from '../../../server/tuning/index.js';

/** Uniform [0, 1) numbers from a seed (mulberry32): the same points on every run. */
export function createPrngForTest(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
