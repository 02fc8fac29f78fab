import type { AnalysisLoad, AnalysisSettings, AnalysisStartRequest } from '@jetdrive-hub/client/contract';
import {
  type AnalysisAxes,
  type CsvLayout,
  DEFAULT_VE_ANALYSIS_SETTINGS,
  defaultAfrTargetTable,
  defaultAxes,
  defaultCsvLayout,
  defaultVeTable,
  parseVeTableCsv,
  type VeAnalysisSettings,
  type VeTableCsv,
} from '../tuning/index.js';
import { AnalysisError } from './analysis-error.js';

// A start request's tables and settings: the uploaded VE table (and target table) with their axes, or the default
// grid; the defaults of every setting not given.

/** AFR of lambda 1 for gasoline, for providers that report lambda. */
export const DEFAULT_STOICH_AFR = 14.7;

export interface AnalysisTables {
  axes: AnalysisAxes;
  veTable: Float64Array;
  afrTarget: Float64Array;
  layout: CsvLayout;
  source: 'csv' | 'default';
}

function parseCsv(field: string, text: string): VeTableCsv {
  try {
    return parseVeTableCsv(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AnalysisError('VALIDATION_FAILED', `${field}: ${why}`, field);
  }
}

function sameAxes(a: AnalysisAxes, b: AnalysisAxes): boolean {
  const eq = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.rpm, b.rpm) && eq(a.load, b.load);
}

function checkPositive(field: string, values: Float64Array): void {
  const bad = values.findIndex((v) => !(v > 0));
  if (bad >= 0)
    throw new AnalysisError('VALIDATION_FAILED', `${field}: cell ${bad} is ${values[bad]}; values must be > 0`, field);
}

export function analysisTablesOf(request: AnalysisStartRequest): AnalysisTables {
  const load: AnalysisLoad = request.load;
  let tables: AnalysisTables;
  if (request.veTableCsv !== undefined) {
    const ve = parseCsv('veTableCsv', request.veTableCsv);
    checkPositive('veTableCsv', ve.values);
    tables = {
      axes: ve.axes,
      veTable: ve.values,
      afrTarget: defaultAfrTargetTable(ve.axes, load),
      layout: ve.layout,
      source: 'csv',
    };
  } else {
    const axes = defaultAxes(load);
    tables = {
      axes,
      veTable: defaultVeTable(load),
      afrTarget: defaultAfrTargetTable(axes, load),
      layout: defaultCsvLayout(load, 3),
      source: 'default',
    };
  }
  if (request.targetAfrCsv !== undefined) {
    const target = parseCsv('targetAfrCsv', request.targetAfrCsv);
    if (!sameAxes(target.axes, tables.axes)) {
      throw new AnalysisError(
        'VALIDATION_FAILED',
        "targetAfrCsv: its axes differ from the VE table's (give both on the same breakpoints)",
        'targetAfrCsv',
      );
    }
    checkPositive('targetAfrCsv', target.values);
    tables.afrTarget = target.values;
  }
  return tables;
}

export function analysisSettingsOf(request: AnalysisStartRequest): AnalysisSettings {
  const d = DEFAULT_VE_ANALYSIS_SETTINGS;
  const afrMin = request.afrMin ?? d.afrMin;
  const afrMax = request.afrMax ?? d.afrMax;
  if (!(afrMin < afrMax)) {
    throw new AnalysisError('VALIDATION_FAILED', `afrMax: ${afrMax} must be above afrMin (${afrMin})`, 'afrMax');
  }
  return {
    weighting: request.weighting ?? d.weighting,
    minHits: request.minHits ?? d.minHits,
    maxCorrectionPct: request.maxCorrectionPct ?? d.maxCorrectionPct,
    warmupTempC: request.warmupTempC === undefined ? d.warmupTempC : request.warmupTempC,
    steadyWindowMs: request.steadyWindowMs ?? d.steadyWindowMs,
    maxRpmRatePerS: request.maxRpmRatePerS === undefined ? d.maxRpmRatePerS : request.maxRpmRatePerS,
    maxLoadRatePerS: request.maxLoadRatePerS === undefined ? d.maxLoadRatePerS : request.maxLoadRatePerS,
    lagMs: request.lagMs ?? d.lagMs,
    fuelCutAfr: request.fuelCutAfr === undefined ? d.fuelCutAfr : request.fuelCutAfr,
    closedThrottlePct: request.closedThrottlePct ?? d.closedThrottlePct,
    afrMin,
    afrMax,
    stoichAfr: request.stoichAfr ?? DEFAULT_STOICH_AFR,
  };
}

/** The core's settings for the wire settings (the ring and solver constants stay at their defaults). */
export function coreSettingsOf(s: AnalysisSettings): VeAnalysisSettings {
  const { stoichAfr: _stoich, ...rest } = s;
  return { ...DEFAULT_VE_ANALYSIS_SETTINGS, ...rest };
}
