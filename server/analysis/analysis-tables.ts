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
  /** The shared table: veTableCsv, the default grid, or (given per bank only) the first bank's. */
  veTable: Float64Array;
  /** Tables of their own per bank name (bankVeTablesCsv), on the same axes. */
  bankVeTables: ReadonlyMap<string, Float64Array>;
  /** False when only per-bank tables were given: every bank then needs its own. */
  sharedGiven: boolean;
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

/** The per-bank tables of a start body, parsed and checked for values; their axes are checked by the caller. */
function bankTablesOf(request: AnalysisStartRequest): Map<string, VeTableCsv> {
  const out = new Map<string, VeTableCsv>();
  for (const [bank, text] of Object.entries(request.bankVeTablesCsv ?? {})) {
    const field = `bankVeTablesCsv.${bank}`;
    const ve = parseCsv(field, text);
    checkPositive(field, ve.values);
    out.set(bank, ve);
  }
  return out;
}

/** The start body's shared table (the uploaded one, the first bank's when only per-bank tables came, or the default). */
function sharedTableOf(request: AnalysisStartRequest, banks: Map<string, VeTableCsv>): AnalysisTables {
  const load: AnalysisLoad = request.load;
  const first = banks.values().next().value;
  const ve = request.veTableCsv === undefined ? first : parseCsv('veTableCsv', request.veTableCsv);
  if (ve !== undefined) {
    checkPositive('veTableCsv', ve.values);
    return {
      axes: ve.axes,
      veTable: ve.values,
      bankVeTables: new Map(),
      sharedGiven: request.veTableCsv !== undefined,
      afrTarget: defaultAfrTargetTable(ve.axes, load),
      layout: ve.layout,
      source: 'csv',
    };
  }
  const axes = defaultAxes(load);
  return {
    axes,
    veTable: defaultVeTable(load),
    bankVeTables: new Map(),
    sharedGiven: true,
    afrTarget: defaultAfrTargetTable(axes, load),
    layout: defaultCsvLayout(load === 'map' ? 'MAP (kPa)' : 'TPS (%)', 3),
    source: 'default',
  };
}

export function analysisTablesOf(request: AnalysisStartRequest): AnalysisTables {
  const banks = bankTablesOf(request);
  const tables = sharedTableOf(request, banks);
  const bankVeTables = new Map<string, Float64Array>();
  for (const [bank, ve] of banks) {
    if (!sameAxes(ve.axes, tables.axes)) {
      throw new AnalysisError(
        'VALIDATION_FAILED',
        `bankVeTablesCsv.${bank}: its axes differ from the ${request.veTableCsv === undefined ? 'first bank table' : 'veTableCsv'}'s (give every table on the same breakpoints)`,
        `bankVeTablesCsv.${bank}`,
      );
    }
    bankVeTables.set(bank, ve.values);
  }
  tables.bankVeTables = bankVeTables;
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

/**
 * Each resolved bank's own table (null: the shared one), refusing a table for a bank the analysis does not have and,
 * when only per-bank tables were given, a bank without one.
 */
export function bankTablesFor(tables: AnalysisTables, banks: readonly string[]): (Float64Array | null)[] {
  for (const name of tables.bankVeTables.keys()) {
    if (!banks.includes(name)) {
      throw new AnalysisError(
        'VALIDATION_FAILED',
        `bankVeTablesCsv.${name}: "${name}" is not a bank of this analysis (${banks.join(', ')})`,
        `bankVeTablesCsv.${name}`,
      );
    }
  }
  return banks.map((name) => {
    const own = tables.bankVeTables.get(name);
    if (own) return own;
    if (tables.sharedGiven) return null;
    throw new AnalysisError(
      'VALIDATION_FAILED',
      `bankVeTablesCsv: bank "${name}" has no table; give one for every bank (${banks.join(', ')}) or a veTableCsv for the others`,
      'bankVeTablesCsv',
    );
  });
}

/** The core's settings for the wire settings (the ring and solver constants stay at their defaults). */
export function coreSettingsOf(s: AnalysisSettings): VeAnalysisSettings {
  const { stoichAfr: _stoich, ...rest } = s;
  return { ...DEFAULT_VE_ANALYSIS_SETTINGS, ...rest };
}
