import { describe, expect, it } from 'vitest';
import type { ReplayStatus } from '@jetdrive-hub/client/contract';
import { parseStatus } from '../../../server/dashboard/web/parse-status.js';
import { replayLine } from '../../../server/dashboard/web/create-replay-panel.js';

const status: ReplayStatus = {
  id: 'rp-0a1b2c3d',
  runId: '20261129T120000Z-0a1b2c',
  name: 'Pull 3',
  state: 'playing',
  rate: 2,
  loop: true,
  positionMs: 12_345,
  fromMs: 0,
  toMs: 45_000,
  durationMs: 45_000,
  loops: 1,
  datagrams: 100,
  providers: [{ hostId: 0x1_43fd, hostHex: '0x143FD', name: 'replay:Pull 3/Simulated Dyno', recordedHostId: 0x43fd }],
  startedAt: 0,
};

describe('replay panel', () => {
  it('shows state, position, rate, loop and the replayed providers on one line', () => {
    expect(replayLine(status)).toBe('playing 12.3 s / 45.0 s at 2x · loop 2 · replay:Pull 3/Simulated Dyno');
    expect(replayLine({ ...status, state: 'ended', loop: false, providers: [] })).toBe('ended 12.3 s / 45.0 s at 2x');
  });

  it('labels a hub playing a recording as the replay source', () => {
    expect(parseStatus({ source: 'replay', providers: [] }).source).toBe('replay');
  });
});
