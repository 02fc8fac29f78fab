import { describe, expect, it } from 'vitest';
import { parseAnalysisStart } from '../../../server/analysis/parse-analysis-start.js';
import { channelsOf, fakeAnalysisRegistry, HOST, providerOf } from '../../support/analysis-registry-fixture.js';

// The registry over a hand-made catalog: the bound, the state rules, the start body's checks and the exports in the
// layout of the uploaded table.

const registry = (maxAnalyses = 2) => fakeAnalysisRegistry({ maxAnalyses });

// Rows are MAP here (the corner names the load first), with percent VE and one decimal.
const VE_CSV = 'map\\rpm,2000,3000,4000\n40,50.0,55.0,60.0\n60,60.0,65.5,70.0\n80,70.0,75.0,80.0\n';

describe('analysis registry', () => {
  it('keeps at most maxAnalyses, refusing the next until one is deleted', () => {
    const r = registry(2);
    const a = r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' }));
    r.start(parseAnalysisStart({ provider: HOST, load: 'tps' }));
    expect(() => r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' }))).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_ANALYSES', status: 429 }),
    );
    expect(r.stats()).toMatchObject({ kept: 2, running: 2, refused: 1, byStatus: { running: 2, stopped: 0 } });
    r.remove(a.id);
    expect(() => r.grid(a.id)).toThrow(expect.objectContaining({ code: 'ANALYSIS_NOT_FOUND', field: 'id' }));
    expect(r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' })).status).toBe('running');
  });

  it('stops once; a second stop is a conflict', () => {
    const r = registry();
    const { id } = r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' }));
    expect(r.stop(id).status).toBe('stopped');
    expect(() => r.stop(id)).toThrow(expect.objectContaining({ code: 'ANALYSIS_NOT_RUNNING', status: 409 }));
  });

  it('refuses an unknown field by name, a bad CSV naming the cell, and afrMax not above afrMin', () => {
    expect(() => parseAnalysisStart({ provider: 'Power Core', load: 'map', lagMS: 50 })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        field: 'lagMS',
        message: expect.stringMatching(/^lagMS: unknown field/),
      }),
    );
    const r = registry();
    expect(() =>
      r.start(
        parseAnalysisStart({ provider: 'Power Core', load: 'map', veTableCsv: 'rpm,20,60\n1000,50,x\n2000,1,2\n' }),
      ),
    ).toThrow(
      expect.objectContaining({ field: 'veTableCsv', message: 'veTableCsv: row 2, column 3: "x" is not a number' }),
    );
    expect(() => parseAnalysisStart({ provider: 'Power Core', load: 'map', afrMin: 15, afrMax: 12 })).toThrow(
      expect.objectContaining({ field: 'afrMax' }),
    );
  });

  it('exports in the uploaded table’s layout: suggested keeps unsuggested cells, diff leaves them empty', () => {
    const r = registry();
    const { id } = r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map', veTableCsv: VE_CSV }));
    expect(r.grid(id).rpmAxis).toEqual([2000, 3000, 4000]);
    expect(r.grid(id).loadAxis).toEqual([40, 60, 80]);
    expect(r.exportTable(id, 'suggested').csv).toBe(VE_CSV);
    expect(r.exportTable(id, 'diff', 'rear').csv).toBe('map\\rpm,2000,3000,4000\n40,,,\n60,,,\n80,,,\n');
    expect(r.exportTable(id, 'hits', 1).filename).toBe(`${id}-rear-hits.csv`);
    expect(() => r.exportTable(id, 'hits', 'left')).toThrow(
      /bank: "left" is not a bank of this analysis \(front, rear\)/,
    );
  });

  it('follows a provider started by name to its new host id after a restart; one started by host id stays', () => {
    const r = registry();
    const byName = r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' }));
    const byId = r.start(parseAnalysisStart({ provider: '0x43FD', load: 'map' }));
    const NEW = 0x1234;
    r.state.providers = [providerOf(HOST, false), providerOf(NEW)];
    // Announced, but not all its channels yet: nothing to follow to.
    r.state.channels = [...channelsOf(HOST), ...channelsOf(NEW).slice(0, 1)];
    r.events$.next({ type: 'channel:added', channel: channelsOf(NEW)[0] });
    expect(r.get(byName.id).provider.hostId).toBe(HOST);
    r.state.channels = [...channelsOf(HOST), ...channelsOf(NEW)];
    r.events$.next({ type: 'channel:added', channel: channelsOf(NEW)[4] });
    expect(r.get(byName.id).provider.hostId).toBe(NEW);
    expect(r.get(byName.id).channels.rpm).toBe(`${NEW}:1`);
    expect(r.get(byId.id).provider.hostId).toBe(HOST);
  });

  it('turns the warm-up filter off for a provider without an engine temperature channel, unless asked for', () => {
    const r = registry();
    // The fake provider has rpm, AFR front/rear, MAP and TPS, and no ect.
    expect(r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map' })).settings.warmupTempC).toBeNull();
    expect(
      r.start(parseAnalysisStart({ provider: 'Power Core', load: 'map', warmupTempC: 60 })).settings.warmupTempC,
    ).toBe(60);
  });
});
