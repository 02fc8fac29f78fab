import type { ChannelSelector } from '@jetdrive-hub/client/contract';
import type { Hub } from '../hub-types.js';
import { unmatchedSelectors } from './check-selectors.js';
import { CliFailure } from './cli-failure.js';
import { escapeControl } from './escape-control.js';
import { EXIT } from './exit-codes.js';

/**
 * Checks the selectors against the hub's catalog before subscribing. A selector that matches no channel is an error
 * (exit 2) naming the closest channels, quantities or providers, when `all` is set or when no selector matches;
 * otherwise a warning on stderr. A hub without channels yet (no provider seen) is only said, not an error.
 */
export async function requireMatches(
  hub: Hub,
  selectors: readonly ChannelSelector[],
  options: { all: boolean },
): Promise<void> {
  const catalog = await hub.catalog();
  if (catalog.channels.length === 0) {
    console.error('the hub has no channels yet (no JetDrive provider seen): waiting for them');
    return;
  }
  const unmatched = unmatchedSelectors(selectors, catalog);
  if (unmatched.length === 0) return;
  const lines = unmatched.map(
    ({ selector, closest }) =>
      `selector "${selector}" matches no channel${closest.length > 0 ? `; closest: ${closest.join(', ')}` : ''}`,
  );
  if (options.all || unmatched.length === selectors.length) {
    const message = [...lines.map(escapeControl), '(`jetdrive channels` lists them all)'].join('\n');
    throw new CliFailure(message, EXIT.USAGE);
  }
  console.error(escapeControl(lines.join('; ')));
}
