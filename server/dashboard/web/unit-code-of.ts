import { UNIT_LABELS } from '../../protocol/types.js';

// Samples from the SDK carry the unit label ("kW"); the shared conversion table is keyed by the JetDrive unit byte.

const BY_LABEL = new Map<string, number>();
for (const [code, label] of Object.entries(UNIT_LABELS)) {
  if (label && !BY_LABEL.has(label)) BY_LABEL.set(label, Number(code));
}

/** The JetDrive unit byte for a unit label; 255 (no unit) for an unknown or empty label. */
export function unitCodeOf(label: string | null | undefined): number {
  if (!label) return 255;
  return BY_LABEL.get(label) ?? 255;
}
