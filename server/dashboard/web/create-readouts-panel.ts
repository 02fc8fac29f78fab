import type { UnitSystem } from '../../mapping/unit-conversion.js';
import type { ReadoutSuggestion } from './apply-readout-suggestion.js';
import { READOUT_SPECS } from './readout-specs.js';
import { ReadoutTile } from './readout-tile.js';

export type { ReadoutSuggestion };

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
  const tiles = new Map<string, ReadoutTile>();
  for (const spec of READOUT_SPECS) {
    const tile = new ReadoutTile(spec);
    root.append(tile.root);
    tiles.set(spec.quantity, tile);
  }

  return {
    update(quantity, value, unitCode, channelName, receivedAt) {
      tiles.get(quantity)?.update(value, unitCode, channelName, receivedAt);
    },
    suggest(quantity, suggestion) {
      tiles.get(quantity)?.suggest(suggestion);
    },
    setSystem(next) {
      system = next;
      for (const tile of tiles.values()) tile.resetConversion();
    },
    frame(now) {
      for (const tile of tiles.values()) tile.draw(now, system, opts.staleMs);
    },
  };
}
