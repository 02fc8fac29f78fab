import type { AnalysisExportKind } from '@jetdrive-hub/client/contract';
import { formatVeTableCsv } from '../tuning/index.js';
import { AnalysisError } from './analysis-error.js';
import type { LiveAnalysis } from './live-analysis.js';

// The tables a tuner takes away, in the layout of the table they gave (or the default grid's): the suggested VE table
// (cells without a suggestion keep their current value, so it can be loaded as is), the change in percent (empty
// where none is suggested) and the hit counts.

export interface AnalysisExport {
  filename: string;
  csv: string;
}

function bankIndexOf(a: LiveAnalysis, bank: string | number | undefined): number {
  if (bank === undefined) return 0;
  const names = a.channels.banks.map((b) => b.name);
  const i = typeof bank === 'number' ? bank : names.indexOf(bank);
  if (i < 0 || i >= names.length) {
    throw new AnalysisError(
      'VALIDATION_FAILED',
      `bank: "${bank}" is not a bank of this analysis (${names.join(', ')})`,
      'bank',
    );
  }
  return i;
}

export function exportAnalysis(a: LiveAnalysis, kind: AnalysisExportKind, bank?: string | number): AnalysisExport {
  const b = bankIndexOf(a, bank);
  const result = a.core.results()[b];
  const { axes, layout } = a.tables;
  // The bank's own current table when it has one: its suggestion scales that table.
  const veTable = a.core.veTables[b];
  const decimals = Math.max(layout.decimals, 1);
  const cell = (k: number): string => {
    if (kind === 'hits') return String(result.hits[k]);
    if (kind === 'diff') return Number.isFinite(result.changePct[k]) ? result.changePct[k].toFixed(2) : '';
    const v = Number.isFinite(result.suggestedVe[k]) ? result.suggestedVe[k] : veTable[k];
    return v.toFixed(decimals);
  };
  const bankName = a.channels.banks[b].name;
  return { filename: `${a.id}-${bankName}-${kind}.csv`, csv: formatVeTableCsv(axes, layout, cell) };
}
