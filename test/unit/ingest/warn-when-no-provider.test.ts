import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSnapshot } from '../../../server/channels/types.js';
import { type Ingest, noProviderHint, warnWhenNoProvider } from '../../../server/ingest/index.js';
import type { JoinResult } from '../../../server/transport/index.js';

const JOINS: JoinResult[] = [
  { group: '224.0.2.10', iface: '127.0.0.1', ok: true },
  { group: '224.0.2.10', iface: '10.0.0.5', ok: true },
  { group: '224.0.2.10', iface: '192.168.7.2', ok: false, error: 'ENODEV' },
];

function fakeIngest(providers: ProviderSnapshot[]): Pick<Ingest, 'registry' | 'joins' | 'port'> {
  const registry = { providers: () => providers, events$: new Subject() } as unknown as Ingest['registry'];
  return { registry, joins: JOINS, port: () => 22344 };
}

describe('warnWhenNoProvider', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warns once, after the delay, naming group, port, joins and the firewall', () => {
    const warn = vi.fn();
    warnWhenNoProvider(fakeIngest([]), { afterMs: 20_000, groups: ['224.0.2.10'], log: { warn } });
    vi.advanceTimersByTime(19_999);
    expect(warn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(10 * 20_000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][1]).toBe(
      'no JetDrive provider seen in 20 s: listening on group 224.0.2.10 port 22344, joined 224.0.2.10 on 127.0.0.1, ' +
        '224.0.2.10 on 10.0.0.5; failed 224.0.2.10 on 192.168.7.2 (ENODEV). Is the dyno (Power Core) on and on this ' +
        "network? On a PC with several network cards set JETDRIVE_IFACE (--iface) to the one on the dyno's subnet, and " +
        'allow inbound UDP 22344 in the firewall',
    );
  });

  it('stays quiet when a provider was seen, or when cancelled (the hub stopped)', () => {
    const warn = vi.fn();
    warnWhenNoProvider(fakeIngest([{ hostId: 1 } as ProviderSnapshot]), { afterMs: 100, groups: ['g'], log: { warn } });
    const cancel = warnWhenNoProvider(fakeIngest([]), { afterMs: 100, groups: ['g'], log: { warn } });
    cancel();
    vi.advanceTimersByTime(1_000);
    expect(warn).not.toHaveBeenCalled();
  });

  it('says when it joined nowhere', () => {
    expect(noProviderHint({ afterMs: 500, groups: ['224.0.2.10'], port: 22344, joins: [] })).toMatch(
      /^no JetDrive provider seen in 500 ms: listening on group 224\.0\.2\.10 port 22344, joined nowhere\. /,
    );
  });
});
