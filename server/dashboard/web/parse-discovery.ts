import { unitCodeOf } from './unit-code-of.js';

// GET /api/jetdrive/hardware/channels/discover, narrowed from unknown (see parse-status.ts for why).

export interface SuggestedConfig {
  label: string | null;
  units: string | null;
  min: number | null;
  max: number | null;
  decimals: number | null;
  color: string | null;
}

export interface DiscoveredChannel {
  /** Channel key ("providerId:channelId") when the hub sends it. */
  key: string | null;
  name: string;
  provider: string | null;
  quantity: string | null;
  /** Best guess for an unmapped channel. */
  candidate: string | null;
  rateHz: number | null;
  /** JetDrive unit byte of the channel (255 when unknown). */
  unitCode: number;
  config: SuggestedConfig | null;
  /** Why the hub mapped (or could not map) the channel. */
  reasons: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function config(raw: unknown): SuggestedConfig | null {
  if (!isRecord(raw)) return null;
  return {
    label: str(raw.label),
    units: str(raw.units),
    min: num(raw.min),
    max: num(raw.max),
    decimals: num(raw.decimals),
    color: str(raw.color),
  };
}

function providerName(raw: unknown): string | null {
  if (isRecord(raw)) return str(raw.name) ?? str(raw.provider_name);
  return str(raw);
}

/** The hub sends `unit: { byte, label, name }`; older shapes send the byte or the label. */
function unitCodeFrom(raw: Record<string, unknown>): number {
  if (isRecord(raw.unit)) return num(raw.unit.byte) ?? unitCodeOf(str(raw.unit.label));
  return num(raw.unit_code) ?? num(raw.unitCode) ?? num(raw.unit) ?? unitCodeOf(str(raw.unit));
}

/**
 * Parses GET /hardware/channels/discover (suggested_config in the requested unit system) and GET /channels
 * (rate_hz, no config): both list channels with key, name, provider and quantity.
 */
export function parseDiscovery(body: unknown): DiscoveredChannel[] {
  const root = isRecord(body) && isRecord(body.data) ? body.data : body;
  const list = isRecord(root) && Array.isArray(root.channels) ? root.channels : [];
  const out: DiscoveredChannel[] = [];
  for (const raw of list) {
    if (!isRecord(raw)) continue;
    const name = str(raw.name) ?? str(raw.display_name) ?? str(raw.displayName);
    if (!name) continue;
    const suggestion = isRecord(raw.suggestion) ? raw.suggestion : {};
    out.push({
      key: str(raw.key) ?? (typeof raw.id === 'string' && raw.id.includes(':') ? raw.id : null),
      name,
      provider: providerName(raw.provider) ?? str(raw.provider_name) ?? str(raw.providerName),
      quantity: str(raw.quantity),
      candidate:
        str(suggestion.candidate) ?? str(suggestion.quantity) ?? str(raw.suggested_quantity) ?? str(raw.candidate),
      rateHz: num(raw.rate_hz) ?? num(raw.rateHz) ?? num(raw.samples_per_second),
      unitCode: unitCodeFrom(raw),
      config: config(raw.suggested_config),
      reasons: Array.isArray(raw.reasons) ? raw.reasons.filter((r): r is string => typeof r === 'string') : [],
    });
  }
  return out;
}
