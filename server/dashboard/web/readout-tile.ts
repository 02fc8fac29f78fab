import { isQuantity } from '../../mapping/quantities.js';
import { displayConversion, type UnitConversion, type UnitSystem } from '../../mapping/unit-conversion.js';
import { applyReadoutSuggestion, type ReadoutSuggestion } from './apply-readout-suggestion.js';
import { el, setAttr, setText } from './dom.js';
import { formatValue, isStale } from './format-value.js';
import { headlineRange, headlineValue } from './headline-value.js';
import { gaugeFraction, type ReadoutSpec, rangeDecimals } from './readout-specs.js';

/** JetDrive's "no unit" byte, used until a value says which unit it comes in. */
const UNKNOWN_UNIT = 255;

/**
 * One readout tile: label and source channel, the value in the display unit, a gauge bar over its range. Values are
 * recorded as they come and written to the DOM by `draw`, once per frame and only when something changed.
 */
export class ReadoutTile {
  readonly root: HTMLElement;
  readonly #spec: ReadoutSpec;
  readonly #num = el('span', { class: 'num' }, '—');
  readonly #unit = el('span', { class: 'unit' });
  readonly #note = el('span', { class: 'coast-note' });
  readonly #source = el('span', { class: 'tile-source' });
  readonly #label: HTMLElement;
  readonly #bar = el('div');
  readonly #rangeMin = el('span');
  readonly #rangeMax = el('span');
  #unitCode: number | null = null;
  #conversion: UnitConversion | null = null;
  #value: number | null = null;
  #receivedAt: number | null = null;
  #dirty = true;

  constructor(spec: ReadoutSpec) {
    this.#spec = { ...spec };
    this.#label = el('span', {}, spec.label);
    this.root = el(
      'div',
      {
        class: spec.primary ? 'tile primary' : 'tile',
        'data-quantity': spec.quantity,
        'data-stale': 'true',
        'data-missing': 'true',
        style: `--tile-color: ${spec.color}`,
      },
      el('div', { class: 'tile-label' }, this.#label, this.#source),
      el('div', { class: 'tile-value' }, this.#num, this.#unit, this.#note),
      el('div', { class: 'tile-bar' }, this.#bar),
      el('div', { class: 'tile-range' }, this.#rangeMin, this.#rangeMax),
    );
  }

  /** Records a value (SI) from `channelName`; a new unit drops the cached conversion. */
  update(value: number, unitCode: number, channelName: string, receivedAt: number): void {
    if (this.#unitCode !== unitCode) {
      this.#unitCode = unitCode;
      this.#conversion = null;
    }
    this.#value = value;
    this.#receivedAt = receivedAt;
    if (this.#source.textContent !== channelName) {
      this.#source.textContent = channelName;
      this.root.title = `${this.#spec.label} — channel "${channelName}"`;
    }
    this.#dirty = true;
  }

  suggest(suggestion: ReadoutSuggestion): void {
    applyReadoutSuggestion(this.#spec, suggestion);
    this.root.style.setProperty('--tile-color', this.#spec.color);
    setText(this.#label, this.#spec.label);
    this.#dirty = true;
  }

  /** The unit system changed: convert again on the next draw. */
  resetConversion(): void {
    this.#conversion = null;
    this.#dirty = true;
  }

  /** Marks stale/missing values and writes what changed since the last draw. */
  draw(now: number, system: UnitSystem, staleMs: number): void {
    setAttr(this.root, 'data-stale', String(isStale(this.#receivedAt, now, staleMs)));
    setAttr(this.root, 'data-missing', String(this.#receivedAt === null));
    if (!this.#dirty) return;
    this.#dirty = false;
    const spec = this.#spec;
    const c = this.#conversionFor(system);
    const display = (si: number): number => si * c.factor + c.offset;
    const shown = this.#value === null ? null : display(this.#value);
    const headline = headlineValue(spec.quantity, shown, spec.decimals);
    setText(this.#num, headline.text);
    setText(this.#unit, c.label);
    setText(this.#note, headline.note);
    setAttr(this.root, 'data-coasting', String(headline.coasting));
    const [lo, hi] = headlineRange(spec.quantity, display(spec.min), display(spec.max));
    this.#bar.style.width = `${(gaugeFraction(headline.gauge, lo, hi) * 100).toFixed(1)}%`;
    const places = rangeDecimals(lo, hi);
    setText(this.#rangeMin, formatValue(lo, places));
    setText(this.#rangeMax, formatValue(hi, places));
  }

  #conversionFor(system: UnitSystem): UnitConversion {
    if (this.#conversion === null) {
      const quantity = isQuantity(this.#spec.quantity) ? this.#spec.quantity : null;
      this.#conversion = displayConversion(this.#unitCode ?? UNKNOWN_UNIT, system, quantity);
    }
    return this.#conversion;
  }
}
