import type { RunDetail, RunMetadata, RunSummary } from '@jetdrive-hub/client/contract';

export interface LibraryEntry {
  meta: RunMetadata;
  sizeBytes: number;
}

const durationOf = (m: RunMetadata): number | null =>
  m.endedAt === null ? null : Math.max(0, Math.round((m.endedAt - m.startedAt) / 100) / 10);

export function runSummaryOf(e: LibraryEntry): RunSummary {
  const m = e.meta;
  return {
    id: m.id,
    name: m.name,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    durationS: durationOf(m),
    startReason: m.startReason,
    endReason: m.endReason,
    providers: m.providers.map((p) => p.name),
    profile: m.simulator?.profile ?? null,
    scenario: m.simulator?.scenario ?? null,
    pinned: m.pinned,
    recovered: m.recovered,
    datagrams: m.datagrams,
    sizeBytes: e.sizeBytes,
    peakPower: m.peakPower,
    peakTorque: m.peakTorque,
  };
}

export function runDetailOf(e: LibraryEntry): RunDetail {
  return { ...e.meta, sizeBytes: e.sizeBytes, durationS: durationOf(e.meta) };
}
