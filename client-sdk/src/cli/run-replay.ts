import { InvalidArgumentError } from 'commander';
import { lastValueFrom, tap } from 'rxjs';
import type { ReplayHandle } from '../create-replay-api.js';
import type { Hub } from '../hub-types.js';
import { REPLAY_MAX_RATE, REPLAY_MIN_RATE, type ReplayOptions, type ReplayStatus } from '@jetdrive-hub/client/contract';
import { escapeControl } from './escape-control.js';

/** `--rate`: × real time within the hub's limits. */
export function replayRate(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < REPLAY_MIN_RATE || value > REPLAY_MAX_RATE) {
    throw new InvalidArgumentError(`expected a rate from ${REPLAY_MIN_RATE} to ${REPLAY_MAX_RATE} (× real time)`);
  }
  return value;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One line: `rp-0a1b2c3d "Pull 3" playing 1.2 s / 4.5 s at 2x (loop 1)`. */
export function formatReplayStatus(s: ReplayStatus): string {
  const loops = s.loop ? ` (loop ${s.loops + 1})` : '';
  return `${s.id} "${escapeControl(s.name)}" ${s.state} ${seconds(s.positionMs)} / ${seconds(s.toMs)} at ${s.rate}x${loops}`;
}

/**
 * Replays a run on the hub and prints its position as the hub pushes it (one refreshing line on a terminal, a line
 * per update otherwise). Resolves with the last status once it ended; with `loop` it runs until `stopped` resolves,
 * then stops the replay.
 */
export async function runReplay(
  hub: Hub,
  runId: string,
  options: ReplayOptions,
  out: NodeJS.WriteStream,
  interrupted: Promise<void>,
): Promise<ReplayStatus> {
  const handle: ReplayHandle = await hub.runs.replay(runId, options);
  const providers = (s: ReplayStatus) => s.providers.map((p) => escapeControl(p.name)).join(', ');
  out.write(`replaying run ${runId} as ${handle.id}${options.loop ? ' (looping; Ctrl-C stops it)' : ''}\n`);
  let last = handle.started;
  let named = false;
  const print = (s: ReplayStatus) => {
    last = s;
    if (!named && s.providers.length > 0) {
      named = true;
      out.write(`${out.isTTY ? '\r\x1b[2K' : ''}providers: ${providers(s)}\n`);
    }
    const line = formatReplayStatus(s);
    out.write(out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const ended = lastValueFrom(handle.position$.pipe(tap(print)), { defaultValue: last });
  const outcome = await Promise.race([ended, interrupted.then(() => null)]);
  if (outcome === null) last = await handle.stop();
  if (out.isTTY) out.write('\n');
  return last;
}
