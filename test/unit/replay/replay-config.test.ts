import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { ingestOptionsOf, replayOptionsOf, sourceOf } from '../../../server/hub-options.js';
import { createDefaultQuantityResolver } from '../../../server/channels/index.js';

describe('replay configuration', () => {
  it('takes the run file from --replay or REPLAY_FILE (the flag wins) and makes it the source', () => {
    const config = loadConfig(['--replay', 'runs/pull.mcap'], { REPLAY_FILE: 'other.mcap' });
    expect(config.replayFile).toBe('runs/pull.mcap');
    expect(loadConfig([], { REPLAY_FILE: 'other.MCAP' }).replayFile).toBe('other.MCAP');
    expect(sourceOf(config)).toBe('replay');
    expect(sourceOf(loadConfig([], {}))).toBe('simulated');
    expect(sourceOf(loadConfig(['--no-sim', '--iface', '127.0.0.1'], {}))).toBe('live');
  });

  it('opens no JetDrive socket in replay mode: the ingest gets a datagram source of its own', () => {
    const resolver = createDefaultQuantityResolver();
    expect(ingestOptionsOf(loadConfig(['--replay', 'a.mcap'], {}), resolver).datagrams$).toBeDefined();
    expect(ingestOptionsOf(loadConfig([], {}), resolver).datagrams$).toBeUndefined();
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadConfig([], { REPLAY_FILE: 'pull.csv' })).toThrow(
      'invalid configuration: replayFile: must be the path of an .mcap run file (REPLAY_FILE="pull.csv")',
    );
    expect(() => loadConfig([], { REPLAY_MAX_CONCURRENT: '0' })).toThrow(
      /replayMaxConcurrent: must be >= 1 \(REPLAY_MAX_CONCURRENT="0"\)/,
    );
    expect(() => loadConfig([], { REPLAY_MAX_CONCURRENT: '256' })).toThrow(/replayMaxConcurrent: must be <= 255/);
  });

  it('puts run files under DATA_DIR/runs and passes the limits on', () => {
    const o = replayOptionsOf(
      loadConfig(['--data-dir', '/srv/hub'], { REPLAY_MAX_CONCURRENT: '2', REPLAY_MAX_FILE_BYTES: '1048576' }),
    );
    expect(o).toMatchObject({ runsDir: '/srv/hub/runs', maxConcurrent: 2, maxFileBytes: 1_048_576 });
  });
});
