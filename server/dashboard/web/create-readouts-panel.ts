import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { isQuantity } from '../../mapping/quantities.js';
import { el, setAttr, setText } from './dom.js';
import { formatValue, isStale } from './format-value.js';
import { gaugeFraction, rangeDecimals, READOUT_SPECS, type ReadoutSpec } from './readout-specs.js';

export interface ReadoutSuggestion {
  label?: string;
  decimals?: number;
  /** SI wire units. */
  min?: number;
  max?: number;
  color?: string;
}

interface Tile {
  spec: ReadoutSpec;
  root: HTMLElement;
  num: HTMLElement;
  unit: HTMLElement;
  source: HTMLElement;
  bar: HTMLElement;
  rangeMin: HTMLElement;
  rangeMax: HTMLElement;
  label: HTMLElement;
  unitCode: number | null;
  conversion: UnitConversion | null;
  value: number | null;
  receivedAt: number | null;
  dirty: boolean;
}

export interface ReadoutsPanel {
  /** Records a value (SI) for a quantity; the DOM is written on the next frame. */
  update(quantity: string, value: number, unitCode: number, channelName: string, receivedAt: number): void;
  suggest(quantity: string, suggestion: ReadoutSuggestion): void;
  setSystem(system: UnitSystem): void;
  /** Writes what changed since the last frame and greys values older than staleMs. */
  frame(now: number): void;
}

export interface ReadoutsOptions {
  staleMs: number;
}

export const DEFAULT_READOUTS_OPTIONS: ReadoutsOptions = { staleMs: 2000 };

export function createReadoutsPanel(root: HTMLElement, options: Partial<ReadoutsOptions> = {}): ReadoutsPanel {
  const opts = { ...DEFAULT_READOUTS_OPTIONS, ...options };
  let system: UnitSystem = 'imperial';
  const tiles = new Map<string, Tile>();

  for (const spec of READOUT_SPECS) {
    const num = el('span', { class: 'num' }, '—');
    const unit = el('span', { class: 'unit' });
    const source = el('span', { class: 'tile-source' });
    const label = el('span', {}, spec.label);
    const bar = el('div');
    const rangeMin = el('span');
    const rangeMax = el('span');
    const tile = el(
      'div',
      {
        class: spec.primary ? 'tile primary' : 'tile',
        'data-quantity': spec.quantity,
        'data-stale': 'true',
        'data-missing': 'true',
        style: `--tile-color: ${spec.color}`,
      },
      el('div', { class: 'tile-label' }, label, source),
      el('div', { class: 'tile-value' }, num, unit),
      el('div', { class: 'tile-bar' }, bar),
      el('div', { class: 'tile-range' }, rangeMin, rangeMax),
    );
    root.append(tile);
    tiles.set(spec.quantity, {
      spec: { ...spec },
      root: tile,
      num,
      unit,
      source,
      bar,
      rangeMin,
      rangeMax,
      label,
      unitCode: null,
      conversion: null,
      value: null,
      receivedAt: null,
      dirty: true,
    });
  }

  function conversionOf(tile: Tile): UnitConversion {
    if (tile.conversion === null) {
      tile.conversion = displayConversion(
        tile.unitCode ?? 255,
        system,
        isQuantity(tile.spec.quantity) ? tile.spec.quantity : null,
      );
    }
    return tile.conversion;
  }

  function display(tile: Tile, si: number): number {
    const c = conversionOf(tile);
    return si * c.factor + c.offset;
  }

  return {
    update(quantity, value, unitCode, channelName, receivedAt) {
      const tile = tiles.get(quantity);
      if (!tile) return;
      if (tile.unitCode !== unitCode) {
        tile.unitCode = unitCode;
        tile.conversion = null;
      }
      tile.value = value;
      tile.receivedAt = receivedAt;
      if (tile.source.textContent !== channelName) {
        tile.source.textContent = channelName;
        tile.root.title = `${tile.spec.label} — channel "${channelName}"`;
      }
      tile.dirty = true;
    },
    suggest(quantity, suggestion) {
      const tile = tiles.get(quantity);
      if (!tile) return;
      const spec = tile.spec;
      if (suggestion.label) spec.label = suggestion.label;
      if (suggestion.decimals !== undefined && Number.isFinite(suggestion.decimals))
        spec.decimals = suggestion.decimals;
      if (suggestion.min !== undefined && suggestion.max !== undefined && suggestion.max > suggestion.min) {
        spec.min = suggestion.min;
        spec.max = suggestion.max;
      }
      if (suggestion.color && /^#[0-9a-f]{3,8}$/i.test(suggestion.color)) spec.color = suggestion.color;
      tile.root.style.setProperty('--tile-color', spec.color);
      setText(tile.label, spec.label);
      tile.dirty = true;
    },
    setSystem(next) {
      system = next;
      for (const tile of tiles.values()) {
        tile.conversion = null;
        tile.dirty = true;
      }
    },
    frame(now) {
      for (const tile of tiles.values()) {
        const stale = isStale(tile.receivedAt, now, opts.staleMs);
        setAttr(tile.root, 'data-stale', String(stale));
        setAttr(tile.root, 'data-missing', String(tile.receivedAt === null));
        if (!tile.dirty) continue;
        tile.dirty = false;
        const c = conversionOf(tile);
        const shown = tile.value === null ? null : display(tile, tile.value);
        setText(tile.num, formatValue(shown, tile.spec.decimals));
        setText(tile.unit, c.label);
        const lo = display(tile, tile.spec.min);
        const hi = display(tile, tile.spec.max);
        tile.bar.style.width = `${(gaugeFraction(shown, lo, hi) * 100).toFixed(1)}%`;
        const places = rangeDecimals(lo, hi);
        setText(tile.rangeMin, formatValue(lo, places));
        setText(tile.rangeMax, formatValue(hi, places));
      }
    },
  };
}
