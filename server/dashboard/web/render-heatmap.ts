import { el } from './dom.js';
import { formatValue } from './format-value.js';
import { heatColor, heatScale } from './heat-color.js';

// A table heatmap over the RPM × MAP grid: columns are RPM, rows are MAP with high load on top, as tuners read a
// VE table. Cells are DOM (99 of them), so values stay selectable and the e2e test can read them.

export interface HeatmapData {
  rpmAxis: readonly number[];
  mapAxis: readonly number[];
  /** [rpmIndex][mapIndex]; null for a cell without data. */
  cells: readonly (readonly (number | null)[])[];
  /** The load axis' label (default kPa: MAP); a throttle-load table says TPS %. */
  loadUnit?: string;
}

export interface HeatmapOptions {
  /** Identifies the map for CSS and tests (data-heatmap). */
  name: string;
  title: string;
  decimals: number;
  /** Smallest half-range of the colour scale, so small noise does not look saturated. */
  scaleFloor: number;
  caption: string;
}

export function renderHeatmap(container: HTMLElement, data: HeatmapData, options: HeatmapOptions): void {
  const flat: (number | null)[] = [];
  for (const row of data.cells) flat.push(...row);
  const scale = heatScale(flat, options.scaleFloor);
  const loadUnit = data.loadUnit ?? 'kPa';
  const head = el('tr', {}, el('th', {}, loadUnit), ...data.rpmAxis.map((rpm) => el('th', {}, String(rpm))));
  const body = el('tbody');
  let filled = 0;
  for (let m = data.mapAxis.length - 1; m >= 0; m--) {
    const tr = el('tr', {}, el('th', {}, String(data.mapAxis[m])));
    for (let r = 0; r < data.rpmAxis.length; r++) {
      const v = data.cells[r]?.[m] ?? null;
      const color = heatColor(v, scale);
      if (v !== null && Number.isFinite(v)) filled++;
      tr.append(
        el(
          'td',
          {
            class: color ? 'hm-cell' : 'hm-cell empty',
            style: color ? `background: ${color}` : null,
            'data-rpm': data.rpmAxis[r],
            'data-map': data.mapAxis[m],
            'data-value': v === null ? null : String(v),
            title: `${data.rpmAxis[r]} rpm · ${data.mapAxis[m]} ${loadUnit}`,
          },
          v === null ? '·' : formatValue(v, options.decimals),
        ),
      );
    }
    body.append(tr);
  }
  container.replaceChildren(
    el(
      'div',
      { class: 'heatmap-block', 'data-heatmap': options.name, 'data-filled': filled },
      el('h3', {}, options.title),
      el('table', { class: 'heatmap' }, el('thead', {}, head), body),
      el('div', { class: 'heatmap-caption' }, `${options.caption} · scale ±${formatValue(scale, options.decimals)}`),
    ),
  );
}
