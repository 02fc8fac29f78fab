import type { AnalysisGrid, AnalysisLoad } from '@jetdrive-hub/client/contract';
import { el } from './dom.js';
import { renderHeatmap } from './render-heatmap.js';

// The live analysis grid of one bank as three heatmaps (AFR error, suggested VE change, hits), with the engine's
// recent operating points traced on them: the current cell outlined, the trail behind it fainter.

export interface OperatingTrace {
  /** Cell indices (rpmIndex × loads + loadIndex), newest last. */
  cells: readonly number[];
}

/** The load axis as the heatmaps and the operating point name it. */
export const loadUnitOf = (load: AnalysisLoad): string => (load === 'map' ? 'kPa' : 'TPS %');

/** Trail length: how many recent cells stay marked. */
export const TRACE_LENGTH = 12;

/** The nearest cell of an operating point, or -1 when it is off the table by more than half a step. */
export function nearestCellOf(grid: AnalysisGrid, rpm: number, load: number): number {
  const idx = (axis: readonly number[], v: number): number => {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let i = 0; i < axis.length; i++) {
      const d = Math.abs(axis[i] - v);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    const step = axis.length > 1 ? Math.abs(axis[1] - axis[0]) : 1;
    const outside = v < axis[0] - step / 2 || v > axis[axis.length - 1] + step / 2;
    return outside ? -1 : best;
  };
  const r = idx(grid.rpmAxis, rpm);
  const l = idx(grid.loadAxis, load);
  return r < 0 || l < 0 ? -1 : r * grid.loadAxis.length + l;
}

function byRpm<T>(grid: AnalysisGrid, values: readonly T[]): T[][] {
  const L = grid.loadAxis.length;
  return grid.rpmAxis.map((_, r) => values.slice(r * L, r * L + L));
}

function markTrace(block: HTMLElement, grid: AnalysisGrid, trace: OperatingTrace): void {
  const cells = block.querySelectorAll<HTMLTableCellElement>('td.hm-cell');
  const L = grid.loadAxis.length;
  // Cells are rendered with high load on top: row-major over (load descending, rpm ascending).
  const at = (k: number): HTMLTableCellElement | undefined => {
    const r = Math.floor(k / L);
    const l = k % L;
    return cells[(L - 1 - l) * grid.rpmAxis.length + r];
  };
  trace.cells.forEach((k, i) => {
    const cell = at(k);
    if (!cell) return;
    cell.classList.add(i === trace.cells.length - 1 ? 'op-now' : 'op-trail');
  });
}

export function renderAnalysisBank(
  container: HTMLElement,
  grid: AnalysisGrid,
  bank: number,
  trace: OperatingTrace,
): void {
  const name = grid.bankNames[bank] ?? `bank ${bank + 1}`;
  const cells = grid.banks[bank];
  const slots = [
    el('div', { class: 'heatmap-slot' }),
    el('div', { class: 'heatmap-slot' }),
    el('div', { class: 'heatmap-slot' }),
  ];
  // The load axis is MAP or throttle: the tables and their cells say which.
  const axes = { rpmAxis: grid.rpmAxis, mapAxis: grid.loadAxis, loadUnit: loadUnitOf(grid.load) };
  const hitsCaption = `suggested at ≥ ${grid.minHits} hits`;
  renderHeatmap(
    slots[0],
    { ...axes, cells: byRpm(grid, cells.afrError) },
    {
      name: `analysis-afr-${name}`,
      title: `${name} · AFR error (measured − target)`,
      decimals: 2,
      scaleFloor: 0.3,
      caption: 'lean red, rich blue',
    },
  );
  renderHeatmap(
    slots[1],
    { ...axes, cells: byRpm(grid, cells.changePct) },
    {
      name: `analysis-ve-${name}`,
      title: `${name} · suggested VE change %`,
      decimals: 1,
      scaleFloor: 2,
      caption: hitsCaption,
    },
  );
  renderHeatmap(
    slots[2],
    {
      ...axes,
      cells: byRpm(
        grid,
        cells.hits.map((h) => (h > 0 ? h : null)),
      ),
    },
    {
      name: `analysis-hits-${name}`,
      title: `${name} · hits`,
      decimals: 0,
      scaleFloor: 1,
      caption: hitsCaption,
    },
  );
  for (const slot of slots) markTrace(slot, grid, trace);
  container.replaceChildren(el('div', { class: 'analysis-bank', 'data-bank': name }, ...slots));
}
