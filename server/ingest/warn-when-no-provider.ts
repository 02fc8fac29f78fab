import type { Logger } from '../log.js';
import { createLogger } from '../log.js';
import type { JoinResult } from '../transport/index.js';
import type { Ingest } from './create-ingest.js';

const defaultLog = createLogger('ingest');

export interface NoProviderHintInput {
  afterMs: number;
  groups: readonly string[];
  port: number;
  joins: readonly JoinResult[];
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** The reasons a live hub may see no provider, with what it listens on: one line for the operator. */
export function noProviderHint(input: NoProviderHintInput): string {
  const joined = input.joins.filter((j) => j.ok).map((j) => `${j.group} on ${j.iface}`);
  const failed = input.joins.filter((j) => !j.ok).map((j) => `${j.group} on ${j.iface} (${j.error ?? 'failed'})`);
  return (
    `no JetDrive provider seen in ${duration(input.afterMs)}: listening on group ` +
    `${input.groups.join(', ')} port ${input.port}, joined ${joined.length > 0 ? joined.join(', ') : 'nowhere'}` +
    `${failed.length > 0 ? `; failed ${failed.join(', ')}` : ''}. Is the dyno (Power Core) on and on this network? ` +
    `On a PC with several network cards set JETDRIVE_IFACE (--iface) to the one on the dyno's subnet, and allow ` +
    `inbound UDP ${input.port} in the firewall`
  );
}

export interface NoProviderWarningOptions {
  afterMs: number;
  groups: readonly string[];
  log?: Pick<Logger, 'warn'>;
}

/**
 * Once, `afterMs` after it is called: if the ingest has seen no provider, logs why that may be. Call it after the
 * ingest started (the joins are known then); the returned function cancels it.
 */
export function warnWhenNoProvider(
  ingest: Pick<Ingest, 'registry' | 'joins' | 'port'>,
  options: NoProviderWarningOptions,
): () => void {
  const log = options.log ?? defaultLog;
  const timer = setTimeout(() => {
    if (ingest.registry.providers().length > 0) return;
    const port = ingest.port();
    const hint = noProviderHint({ ...options, port: port ?? 0, joins: ingest.joins });
    log.warn({ groups: options.groups, port, joins: ingest.joins }, hint);
  }, options.afterMs);
  timer.unref();
  return () => clearTimeout(timer);
}
