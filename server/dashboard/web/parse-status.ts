// GET /api/jetdrive/status is read defensively: the page must keep working if a field is missing or renamed, so
// every field is narrowed from unknown rather than trusted.

export interface ProviderView {
  name: string;
  hostHex: string;
  online: boolean;
  offsetMs: number | null;
  latencyMs: number | null;
  drops: number;
  /** Frames under this provider's host id from another address (possible spoofing), and the last such address. */
  conflicts: number;
  conflictFrom: string | null;
}

/** Where the hub listens for JetDrive: what the "no provider yet" banner names. */
export interface IngestView {
  groups: string[];
  port: number | null;
  /** Interface addresses joined (each once). */
  joined: string[];
}

export interface StatusView {
  source: 'live' | 'simulated' | 'replay' | null;
  providers: ProviderView[];
  ingest: IngestView | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function provider(raw: unknown): ProviderView | null {
  if (!isRecord(raw)) return null;
  const clock = isRecord(raw.clock) ? raw.clock : {};
  const seq = isRecord(raw.seq) ? raw.seq : isRecord(raw.sequence) ? raw.sequence : {};
  const hostId = num(raw.hostId) ?? num(raw.host_id) ?? num(raw.id);
  const conflicts = isRecord(raw.conflicts) ? raw.conflicts : {};
  const hostHex =
    str(raw.hostHex) ??
    str(raw.host_hex) ??
    str(raw.provider_id_hex) ??
    (hostId === null ? '' : `0x${hostId.toString(16).toUpperCase().padStart(4, '0')}`);
  return {
    name: str(raw.name) ?? hostHex ?? 'provider',
    hostHex,
    online: raw.online === true,
    offsetMs: num(clock.offsetMs) ?? num(clock.offset_ms) ?? num(raw.clock_offset_ms) ?? num(raw.offsetMs),
    latencyMs: num(clock.latencyMs) ?? num(clock.latency_ms) ?? num(raw.latency_ms),
    drops: num(seq.dropped) ?? num(raw.drops) ?? num(raw.dropped) ?? 0,
    conflicts: num(conflicts.count) ?? 0,
    conflictFrom: str(conflicts.last_address) ?? str(conflicts.lastAddress),
  };
}

function ingest(raw: unknown): IngestView | null {
  if (!isRecord(raw)) return null;
  const groups = Array.isArray(raw.groups) ? raw.groups.filter((g): g is string => typeof g === 'string') : [];
  const joined: string[] = [];
  for (const join of Array.isArray(raw.joined) ? raw.joined : []) {
    if (isRecord(join) && typeof join.iface === 'string') joined.push(join.iface);
  }
  return { groups, port: num(raw.port), joined: [...new Set(joined)] };
}

export function parseStatus(body: unknown): StatusView {
  const root = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(root)) return { source: null, providers: [], ingest: null };
  const source =
    root.source === 'live' || root.source === 'simulated' || root.source === 'replay'
      ? root.source
      : root.simulated === true
        ? 'simulated'
        : null;
  const list = Array.isArray(root.providers) ? root.providers : [];
  const providers: ProviderView[] = [];
  for (const raw of list) {
    const p = provider(raw);
    if (p) providers.push(p);
  }
  return { source, providers, ingest: ingest(root.ingest) };
}
