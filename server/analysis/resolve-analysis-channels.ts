import type { AnalysisChannels, AnalysisLoad } from '@jetdrive-hub/client/contract';
import { AnalysisError } from './analysis-error.js';

// Which provider and channels an analysis reads, through the quantity mapping (as chooseDynoChannels picks a pull's):
// one provider, named by its name or host id, and its first channel of each quantity in catalog order. Banks are the
// wideband readings: AFR front/rear, else lambda front/rear; a provider with neither cannot be analysed.

export interface AnalysisProvider {
  hostId: number;
  name: string;
  online: boolean;
}

export interface AnalysisChannel {
  key: string;
  providerId: number;
  /** The mapping's quantity (overrides applied), null when unmapped or hidden. */
  quantity: string | null;
}

export interface ResolvedChannels {
  provider: { hostId: number; name: string };
  channels: AnalysisChannels;
}

/** Each bank: its name and the quantities that can feed it, AFR before lambda. */
const BANKS = [
  { name: 'front', quantities: ['afr_front', 'lambda_front'] },
  { name: 'rear', quantities: ['afr_rear', 'lambda_rear'] },
] as const;

function hostIdOf(provider: string | number): number | null {
  if (typeof provider === 'number') return provider;
  const m = /^0x([0-9a-f]{1,4})$/i.exec(provider.trim());
  return m ? Number.parseInt(m[1], 16) : null;
}

/** The provider by host id, else by name (case-insensitive; online first, and refused when still ambiguous). */
export function findProvider(providers: readonly AnalysisProvider[], provider: string | number): AnalysisProvider {
  const id = hostIdOf(provider);
  if (id !== null) {
    const byId = providers.find((p) => p.hostId === id);
    if (byId) return byId;
  }
  const name = String(provider).trim().toLowerCase();
  const named = providers.filter((p) => p.name.trim().toLowerCase() === name);
  const online = named.filter((p) => p.online);
  const candidates = online.length > 0 ? online : named;
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const ids = candidates.map((p) => `0x${p.hostId.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
    throw new AnalysisError(
      'PROVIDER_AMBIGUOUS',
      `provider: "${provider}" names ${candidates.length} providers (${ids}); give the host id instead`,
      'provider',
    );
  }
  const known = providers.map((p) => `"${p.name}"`).join(', ') || 'none';
  throw new AnalysisError('PROVIDER_NOT_FOUND', `provider: no provider "${provider}" (known: ${known})`, 'provider');
}

/**
 * The analysis channels among `first` (each quantity's channel key): rpm, the load axis, the banks, and throttle and
 * engine temperature when there are. CHANNELS_MISSING names what `who` lacks.
 */
export function channelsOfQuantities(
  first: ReadonlyMap<string, string>,
  load: AnalysisLoad,
  who: string,
  field: string,
): AnalysisChannels {
  const banks: AnalysisChannels['banks'] = [];
  for (const bank of BANKS) {
    const quantity = bank.quantities.find((q) => first.has(q));
    if (quantity) banks.push({ name: bank.name, key: first.get(quantity) as string, quantity });
  }
  const rpm = first.get('rpm');
  const loadKey = first.get(load);
  const missing = [rpm ? null : 'rpm', loadKey ? null : load, banks.length > 0 ? null : 'afr_front or lambda_front'];
  const lacks = missing.filter((m) => m !== null);
  if (!rpm || !loadKey || banks.length === 0) {
    throw new AnalysisError(
      'CHANNELS_MISSING',
      `${field}: ${who} has no channel mapped to ${lacks.join(', ')} (map one in the channel mapping)`,
      field,
      { missing: lacks },
    );
  }
  return { rpm, load: loadKey, tps: first.get('tps') ?? null, engineTemp: first.get('ect') ?? null, banks };
}

/** The channels of `provider` for an analysis on `load`; CHANNELS_MISSING names the quantities it lacks. */
export function resolveAnalysisChannels(
  providers: readonly AnalysisProvider[],
  channels: readonly AnalysisChannel[],
  provider: string | number,
  load: AnalysisLoad,
): ResolvedChannels {
  const p = findProvider(providers, provider);
  const first = new Map<string, string>();
  for (const c of channels) {
    if (c.providerId !== p.hostId || c.quantity === null || first.has(c.quantity)) continue;
    first.set(c.quantity, c.key);
  }
  return {
    provider: { hostId: p.hostId, name: p.name },
    channels: channelsOfQuantities(first, load, `"${p.name}"`, 'provider'),
  };
}
