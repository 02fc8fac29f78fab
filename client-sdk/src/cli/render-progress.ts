/** `[#########...........]  45%  message` in a fixed width, for one line redrawn with \r. */
export function renderProgress(pct: number, label: string, width = 30): string {
  const clamped = Math.max(0, Math.min(100, pct));
  const filled = Math.round((clamped / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${clamped.toFixed(0).padStart(3)}%  ${label}`;
}
