import type { UnitSystem } from '@jetdrive-hub/client/contract';
import type { Subscription } from 'rxjs';
import type { Hub, HubSample } from '../hub-types.js';
import { parseSelector } from '../parse-selector.js';
import { show } from './display-units.js';
import { formatTable, formatValue } from './format-table.js';

export interface WatchOptions {
  hz?: number;
  json: boolean;
  /** Values are shown in this unit system (the hub's, or --units). */
  units: UnitSystem;
  /** Table redraw period, ms. */
  refreshMs?: number;
}

/** Prints live values until the returned stop() is called: JSON lines per sample, or a redrawn table. */
export function runWatch(
  hub: Hub,
  selectors: readonly string[],
  options: WatchOptions,
  out: NodeJS.WriteStream,
  onError: (error: unknown) => void,
): { stop(): void } {
  const latest = new Map<string, HubSample>();
  const subscription: Subscription = hub
    .samples$(selectors.map(parseSelector), options.hz ? { maxHz: options.hz } : {})
    .subscribe({
      next: (batch) => {
        for (const sample of batch.samples) {
          if (options.json) {
            const { value, unit } = show(sample, sample.value, options.units);
            out.write(`${JSON.stringify({ channel: sample.channel, value, unit, time: sample.time })}\n`);
          } else {
            latest.set(sample.key, sample);
          }
        }
      },
      error: onError,
    });
  const draw = () => {
    const now = Date.now();
    const rows = [...latest.values()]
      .sort((a, b) => a.channel.localeCompare(b.channel))
      .map((sample) => {
        const { value, unit } = show(sample, sample.value, options.units);
        return [sample.channel, formatValue(value), unit, `${Math.max(0, now - sample.time).toFixed(0)} ms`];
      });
    const table = formatTable(['channel', 'value', 'unit', 'age'], rows);
    out.write(out.isTTY ? `\x1b[H\x1b[2J${table}\n` : `${table}\n\n`);
  };
  const timer = options.json ? null : setInterval(draw, options.refreshMs ?? (out.isTTY ? 250 : 1_000));
  return {
    stop() {
      subscription.unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
