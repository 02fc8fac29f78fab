import { isQuantity } from '../../mapping/quantities.js';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { quantityHint } from './channel-suggestions.js';
import { el, setAttr, setText } from './dom.js';
import { formatValue, isStale } from './format-value.js';
import type { DiscoveredChannel } from './parse-discovery.js';

export interface BrowserChannel {
  key: string;
  name: string;
  providerName: string;
  unitCode: number;
  quantity: string | null;
  rateHz: number;
  lastValue: number | null;
  provisional: boolean;
}

/** One channel's table row and the cells the browser writes later. */
export interface BrowserRow {
  channel: BrowserChannel;
  tr: HTMLTableRowElement;
  value: HTMLTableCellElement;
  unit: HTMLTableCellElement;
  rate: HTMLTableCellElement;
  conversion: UnitConversion;
  receivedAt: number | null;
  dirty: boolean;
  /** The unmapped hint (searchable), null for a mapped channel. */
  suggestion: string | null;
}

export const rateText = (rateHz: number): string => `${formatValue(rateHz, 1)} Hz`;

function quantityCell(
  channel: BrowserChannel,
  s: DiscoveredChannel | undefined,
): { node: HTMLElement; text: string | null } {
  if (channel.quantity) return { node: el('span', { class: 'quantity' }, channel.quantity), text: null };
  const { hint, why } = quantityHint(channel.name, s);
  return { node: el('span', { class: 'unmapped', title: why }, `unmapped · ${hint}`), text: hint };
}

/** A new row for `channel` in the unit system shown, keeping the previous row's receive time. */
export function buildBrowserRow(
  channel: BrowserChannel,
  previous: BrowserRow | undefined,
  system: UnitSystem,
  suggestion: DiscoveredChannel | undefined,
): BrowserRow {
  const conversion = displayConversion(
    channel.unitCode,
    system,
    isQuantity(channel.quantity) ? channel.quantity : null,
  );
  const value = el('td', {}, '—');
  const unit = el('td', { class: 'muted' }, conversion.label);
  const rate = el('td', { class: 'muted' }, rateText(channel.rateHz));
  const q = quantityCell(channel, suggestion);
  const tr = el(
    'tr',
    { 'data-key': channel.key, 'data-quantity': channel.quantity ?? '', 'data-stale': 'true' },
    el('td', { class: 'name' }, channel.name + (channel.provisional ? ' (pending info)' : '')),
    el('td', { class: 'muted' }, channel.providerName),
    unit,
    rate,
    value,
    el('td', {}, q.node),
  );
  const receivedAt = previous?.receivedAt ?? null;
  return { channel, tr, value, unit, rate, conversion, receivedAt, dirty: true, suggestion: q.text };
}

/** Decimals for a value shown in the browser: fewer as it grows. */
function decimalsFor(value: number): number {
  const abs = Math.abs(value);
  return abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
}

/** Marks the row stale or not, and writes its value if it changed and the row is shown. */
export function drawBrowserRow(row: BrowserRow, now: number, staleMs: number): void {
  setAttr(row.tr, 'data-stale', String(isStale(row.receivedAt, now, staleMs)));
  if (!row.dirty || row.tr.hidden) return;
  row.dirty = false;
  const v = row.channel.lastValue;
  const shown = v === null ? null : v * row.conversion.factor + row.conversion.offset;
  setText(row.value, formatValue(shown, shown === null ? 0 : decimalsFor(shown)));
}
