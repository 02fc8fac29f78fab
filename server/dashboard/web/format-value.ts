/** A reading with a fixed number of decimals; a dash for no value, and never "-0.0". */
export function formatValue(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const places = Math.min(6, Math.max(0, Math.round(decimals)));
  const text = value.toFixed(places);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** "1.2 s ago", "3 min ago": age of the last sample, for the channel browser. */
export function formatAge(ageMs: number | null): string {
  if (ageMs === null || !Number.isFinite(ageMs)) return 'never';
  if (ageMs < 1000) return 'now';
  if (ageMs < 60_000) return `${(ageMs / 1000).toFixed(1)} s ago`;
  if (ageMs < 3_600_000) return `${Math.floor(ageMs / 60_000)} min ago`;
  return `${Math.floor(ageMs / 3_600_000)} h ago`;
}

/** Signed clock offset, e.g. "+12 ms", "−1.3 s"; a dash before the first Pong. */
export function formatOffset(offsetMs: number | null | undefined): string {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs)) return '—';
  const sign = offsetMs < 0 ? '−' : '+';
  const abs = Math.abs(offsetMs);
  return abs < 1000 ? `${sign}${Math.round(abs)} ms` : `${sign}${(abs / 1000).toFixed(1)} s`;
}

/**
 * A provider's clock as the header shows it. Offsets against a provider's uptime clock are epoch-sized and mean
 * nothing to a reader, so those read as "synced" with the round-trip latency instead.
 */
export function formatClock(offsetMs: number | null | undefined, latencyMs: number | null | undefined): string {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs)) return 'clock not synced';
  const latency =
    latencyMs === null || latencyMs === undefined || !Number.isFinite(latencyMs) ? '' : ` · ${latencyMs.toFixed(1)} ms`;
  if (Math.abs(offsetMs) >= 86_400_000) return `clock synced${latency}`;
  return `clock ${formatOffset(offsetMs)}${latency}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

/** A value is stale when its last sample is older than staleMs (or there never was one). */
export function isStale(lastTime: number | null | undefined, now: number, staleMs: number): boolean {
  return lastTime === null || lastTime === undefined || now - lastTime > staleMs;
}
