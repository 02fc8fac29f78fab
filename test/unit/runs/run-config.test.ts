import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { runOptionsOf } from '../../../server/hub-options.js';

const HOST = { networkInterfaces: () => ({}) };

describe('run capture settings (RUN_* and flags)', () => {
  it('defaults: auto record, 1500 rpm / 10 % throttle, 10 s black box, 3 s pre- and post-roll, 2 GiB, zstd', () => {
    const o = runOptionsOf(loadConfig([], {}, HOST));
    expect(o).toMatchObject({
      autoRecord: true,
      ringMs: 10_000,
      preRollMs: 3000,
      postRollMs: 3000,
      maxTotalBytes: 2 * 1024 ** 3,
      compression: 'zstd',
    });
    expect(o.detection).toMatchObject({ startRpm: 1500, startTps: 10, endTps: 5, maxDurationS: 60 });
  });

  it('takes flags over the environment', () => {
    const c = loadConfig(
      ['--no-auto-record', '--run-start-rpm', '4500', '--run-pre-roll', '5'],
      { RUN_START_RPM: '2000', RUN_COMPRESSION: 'LZ4', RUNS_MAX_COUNT: '20' },
      HOST,
    );
    expect(c).toMatchObject({
      runAutoRecord: false,
      runStartRpm: 4500,
      runPreRollS: 5,
      runCompression: 'lz4',
      runsMaxCount: 20,
    });
  });

  it('refuses a pre-roll longer than the black box and an end throttle not below the start one, naming them', () => {
    expect(() => loadConfig([], { RUN_PRE_ROLL_S: '12' }, HOST)).toThrow(
      /runPreRollS .*RUN_PRE_ROLL_S=12.* RUN_BLACKBOX_S/,
    );
    expect(() => loadConfig([], { RUN_END_TPS: '10' }, HOST)).toThrow(/runEndTps .*RUN_END_TPS=10.*below runStartTps/);
    expect(() => loadConfig([], { RUN_COMPRESSION: 'brotli' }, HOST)).toThrow(/runCompression/);
  });
});
