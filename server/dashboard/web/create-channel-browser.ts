import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { type BrowserChannel, type BrowserRow, buildBrowserRow, drawBrowserRow, rateText } from './browser-row.js';
import { ChannelSuggestions } from './channel-suggestions.js';
import { el, setText } from './dom.js';
import { matchesSearch } from './matches-search.js';
import type { DiscoveredChannel } from './parse-discovery.js';

// Every channel the hub knows, with its provider, unit, rate, last value and quantity. Unmapped channels are
// flagged with discovery's suggestion so a tuner sees what to map.

export type { BrowserChannel };

export interface ChannelBrowser {
  setChannels(channels: readonly BrowserChannel[]): void;
  setValue(key: string, value: number, receivedAt: number): void;
  setDiscovery(discovered: readonly DiscoveredChannel[]): void;
  /** Measured rates (GET /channels), by channel key. */
  setRates(channels: readonly DiscoveredChannel[]): void;
  setSystem(system: UnitSystem): void;
  frame(now: number): void;
}

export interface ChannelBrowserOptions {
  staleMs: number;
}

export const DEFAULT_CHANNEL_BROWSER_OPTIONS: ChannelBrowserOptions = { staleMs: 3000 };

/** The panel's fixed DOM: heading, channel count, search field and the table body the rows go in. */
function browserLayout(root: HTMLElement): { search: HTMLInputElement; count: HTMLElement; tbody: HTMLElement } {
  const search = el('input', {
    type: 'search',
    placeholder: 'Search channels, providers, quantities…',
    'aria-label': 'Search channels',
  });
  const count = el('span', { class: 'count' });
  const tbody = el('tbody');
  const heads = ['Channel', 'Provider', 'Unit', 'Rate', 'Last value', 'Quantity'].map((h) => el('th', {}, h));
  root.append(
    el('div', { class: 'panel-head' }, el('h2', {}, 'Channels'), el('div', { class: 'browser-tools' }, count, search)),
    el(
      'div',
      { class: 'browser-table' },
      el('table', { class: 'data' }, el('thead', {}, el('tr', {}, ...heads)), tbody),
    ),
  );
  return { search, count, tbody };
}

export function createChannelBrowser(root: HTMLElement, options: Partial<ChannelBrowserOptions> = {}): ChannelBrowser {
  const opts = { ...DEFAULT_CHANNEL_BROWSER_OPTIONS, ...options };
  let system: UnitSystem = 'imperial';
  const rows = new Map<string, BrowserRow>();
  const suggestions = new ChannelSuggestions();
  const { search, count, tbody } = browserLayout(root);

  function render(): void {
    const query = search.value;
    const sorted = [...rows.values()].sort(
      (a, b) =>
        a.channel.providerName.localeCompare(b.channel.providerName) || a.channel.name.localeCompare(b.channel.name),
    );
    let shown = 0;
    for (const row of sorted) {
      const visible = matchesSearch({ ...row.channel, unit: row.conversion.label, suggestion: row.suggestion }, query);
      row.tr.hidden = !visible;
      if (visible) shown++;
    }
    tbody.replaceChildren(...sorted.map((r) => r.tr));
    const unmapped = sorted.filter((r) => r.channel.quantity === null).length;
    setText(count, `${shown} of ${rows.size} channels · ${unmapped} unmapped`);
  }

  const buildRow = (channel: BrowserChannel, previous: BrowserRow | undefined): BrowserRow =>
    buildBrowserRow(channel, previous, system, suggestions.of(channel));

  function rebuild(): void {
    for (const [key, row] of rows) rows.set(key, buildRow(row.channel, row));
    render();
  }

  search.addEventListener('input', render);

  return {
    setChannels(channels) {
      const next = new Set(channels.map((c) => c.key));
      for (const key of rows.keys()) if (!next.has(key)) rows.delete(key);
      for (const channel of channels) {
        const previous = rows.get(channel.key);
        const row = buildRow(
          { ...channel, lastValue: channel.lastValue ?? previous?.channel.lastValue ?? null },
          previous,
        );
        rows.set(channel.key, row);
      }
      render();
    },
    setValue(key, value, receivedAt) {
      const row = rows.get(key);
      if (!row) return;
      row.channel.lastValue = value;
      row.receivedAt = receivedAt;
      row.dirty = true;
    },
    setDiscovery(discovered) {
      suggestions.set(discovered);
      rebuild();
    },
    setRates(channels) {
      for (const c of channels) {
        const row = c.key ? rows.get(c.key) : undefined;
        if (!row || c.rateHz === null) continue;
        row.channel.rateHz = c.rateHz;
        setText(row.rate, rateText(c.rateHz));
      }
    },
    setSystem(next) {
      system = next;
      rebuild();
    },
    frame(now) {
      for (const row of rows.values()) drawBrowserRow(row, now, opts.staleMs);
    },
  };
}
