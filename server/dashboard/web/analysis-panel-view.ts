import type {
  AnalysisExportKind,
  AnalysisGrid,
  AnalysisLoad,
  AnalysisRunState,
  AnalysisStartInput,
  AnalysisSummary,
  AnalysisWeighting,
} from '@jetdrive-hub/client/contract';
import { loadUnitOf, type OperatingTrace, renderAnalysisBank } from './analysis-heatmaps.js';
import { el, setText } from './dom.js';

// The analysis panel's DOM: the start form (a live provider or a run of the library, load axis, weighting, the
// current VE table shared or per bank), stop / reset, the list of analyses and an offline one's runs, export buttons
// per table and bank, the filter counts and one set of heatmaps per bank.

const EXPORTS: readonly [AnalysisExportKind, string][] = [
  ['suggested', 'Suggested VE'],
  ['diff', 'Diff %'],
  ['hits', 'Hits'],
];

function select(name: string, options: readonly [string, string][]): HTMLSelectElement {
  const node = el('select', { name });
  for (const [v, label] of options) node.append(el('option', { value: v }, label));
  return node;
}

const field = (label: string, control: HTMLElement): HTMLElement => el('label', { class: 'field' }, label, control);

const csvInput = (name: string): HTMLInputElement => el('input', { type: 'file', name, accept: '.csv,text/csv' });

/** The text of the file chosen in an input, or undefined when none is. */
async function fileText(input: HTMLInputElement): Promise<string | undefined> {
  const file = input.files?.[0];
  return file ? file.text() : undefined;
}

function runsText(summary: AnalysisSummary | undefined): string {
  if (summary?.source !== 'runs') return '';
  const state = (r: AnalysisRunState) => `${r.name} (${r.status}${r.error ? `: ${r.error}` : ''})`;
  return `runs: ${summary.runs.map(state).join(' · ')}`;
}

export class AnalysisPanelView {
  readonly startButton = el(
    'button',
    { class: 'btn primary', type: 'button', 'data-action': 'analysis-start' },
    'Start analysis',
  );
  readonly stopButton = el('button', { class: 'btn danger', type: 'button', 'data-action': 'analysis-stop' }, 'Stop');
  readonly resetButton = el('button', { class: 'btn', type: 'button', 'data-action': 'analysis-reset' }, 'Reset');
  readonly runButton = el('button', { class: 'btn', type: 'button', 'data-action': 'analysis-run' }, 'Analyse run');
  readonly addRunButton = el('button', { class: 'btn', type: 'button', 'data-action': 'analysis-add-run' }, 'Add run');
  readonly #run = select('run', []);
  readonly #veTable = csvInput('ve-table');
  readonly #bankTables = { front: csvInput('ve-table-front'), rear: csvInput('ve-table-rear') };
  readonly #runs = el('div', { class: 'analysis-runs muted' });
  readonly #provider = el('input', {
    name: 'provider',
    list: 'analysis-providers',
    placeholder: 'provider name or 0x43FD',
  });
  readonly #providers = el('datalist', { id: 'analysis-providers' });
  readonly #load = select('load', [
    ['map', 'MAP (kPa)'],
    ['tps', 'Throttle (%)'],
  ]);
  readonly #weighting = select('weighting', [
    ['bilinear', 'Bilinear (as the ECU reads)'],
    ['nearest', 'Nearest cell'],
  ]);
  readonly #list = select('analysis', []);
  readonly #exports = el('div', { class: 'analysis-exports' });
  readonly #message = el('div', { class: 'progress-msg', role: 'status' });
  readonly #status = el('span', { class: 'status-pill', 'data-status': 'idle', id: 'analysis-status' }, 'idle');
  readonly #counts = el('div', { class: 'analysis-counts muted' });
  readonly #point = el('div', { class: 'analysis-point muted' });
  readonly #banks = el(
    'div',
    { class: 'analysis-banks' },
    el('div', { class: 'heatmap-note' }, 'Start an analysis on a provider: the grid fills while the engine runs.'),
  );
  readonly #lastExport = el('pre', { class: 'analysis-export', hidden: true });
  #exportHandler: ((kind: AnalysisExportKind, bank: string) => void) | null = null;
  #bankNames = '';

  constructor(root: HTMLElement) {
    const form = el(
      'div',
      { class: 'controls' },
      field('Provider', this.#provider),
      this.#providers,
      field('Load', this.#load),
      field('Weighting', this.#weighting),
      this.startButton,
      field('Run', this.#run),
      this.runButton,
      this.addRunButton,
      field('Analysis', this.#list),
      this.stopButton,
      this.resetButton,
    );
    const tables = el(
      'div',
      { class: 'controls analysis-tables' },
      field('VE table (CSV)', this.#veTable),
      field('Front table', this.#bankTables.front),
      field('Rear table', this.#bankTables.rear),
    );
    root.append(
      el('div', { class: 'panel-head' }, el('h2', {}, 'Live VE analysis'), this.#status, this.#message),
      form,
      tables,
      el('div', { class: 'analysis-info' }, this.#point, this.#counts, this.#runs, this.#exports),
      this.#banks,
      this.#lastExport,
    );
  }

  /** The start body: on the provider typed, or (`run`) the run chosen; with the VE tables chosen, shared or per bank. */
  async startInput(source: 'provider' | 'run'): Promise<AnalysisStartInput> {
    const input: AnalysisStartInput = {
      load: this.#load.value as AnalysisLoad,
      weighting: this.#weighting.value as AnalysisWeighting,
    };
    if (source === 'run') input.run = this.selectedRun();
    else input.provider = this.#provider.value.trim();
    const shared = await fileText(this.#veTable);
    if (shared !== undefined) input.veTableCsv = shared;
    const banks: Record<string, string> = {};
    for (const [bank, node] of Object.entries(this.#bankTables)) {
      const text = await fileText(node);
      if (text !== undefined) banks[bank] = text;
    }
    if (Object.keys(banks).length > 0) input.bankVeTablesCsv = banks;
    return input;
  }

  selectedRun(): string {
    return this.#run.value;
  }

  showRuns(runs: readonly { id: string; name: string }[]): void {
    const current = this.#run.value;
    this.#run.replaceChildren(
      ...runs.map((r) => el('option', { value: r.id, selected: r.id === current }, `${r.name} · ${r.id}`)),
    );
  }

  showProviders(names: readonly string[]): void {
    this.#providers.replaceChildren(...names.map((n) => el('option', { value: n })));
    if (this.#provider.value === '' && names.length > 0) this.#provider.value = names[0];
  }

  showList(list: readonly AnalysisSummary[], current: string | null): void {
    this.#list.replaceChildren(
      ...list.map((a) => el('option', { value: a.id, selected: a.id === current }, `${a.name} (${a.status})`)),
    );
    setText(this.#runs, runsText(list.find((a) => a.id === current)));
  }

  onSelect(handler: (id: string) => void): void {
    this.#list.addEventListener('change', () => handler(this.#list.value));
  }

  onExport(handler: (kind: AnalysisExportKind, bank: string) => void): void {
    this.#exportHandler = handler;
  }

  showMessage(text: string): void {
    setText(this.#message, text);
  }

  showExport(filename: string, csv: string): void {
    this.#lastExport.hidden = false;
    this.#lastExport.setAttribute('data-filename', filename);
    setText(this.#lastExport, csv);
  }

  showGrid(grid: AnalysisGrid, trace: OperatingTrace): void {
    setText(this.#status, grid.status);
    this.#status.setAttribute('data-status', grid.status);
    const c = grid.counts;
    setText(
      this.#counts,
      `samples ${c.samples} · used ${c.accepted} · cold ${c.cold} · transient ${c.transient} · fuel cut ${c.fuelCut} · ` +
        `AFR range ${c.afrRange} · off grid ${c.outsideGrid} · lag history ${c.history} · invalid ${c.invalid}`,
    );
    const p = grid.operatingPoint;
    setText(this.#point, p ? `now ${p.rpm} rpm · ${p.load} ${loadUnitOf(grid.load)}` : 'no data yet');
    this.#showExportButtons(grid.bankNames);
    this.#banks.replaceChildren(
      ...grid.bankNames.map((_, b) => {
        const slot = el('div');
        renderAnalysisBank(slot, grid, b, trace);
        return slot;
      }),
    );
  }

  #showExportButtons(banks: readonly string[]): void {
    const key = banks.join(',');
    if (key === this.#bankNames) return;
    this.#bankNames = key;
    this.#exports.replaceChildren(
      ...banks.flatMap((bank) =>
        EXPORTS.map(([kind, label]) => {
          const button = el(
            'button',
            { class: 'btn', type: 'button', 'data-export': kind, 'data-bank': bank },
            `${label} · ${bank}`,
          );
          button.addEventListener('click', () => this.#exportHandler?.(kind, bank));
          return button;
        }),
      ),
    );
  }
}
