/** A legend entry says each thing once: "Power (hp)", but "RPM", not "RPM (RPM)", and "AFR", not "AFR (AFR)". */
export function legendText(label: string, unit: string): string {
  const u = unit.trim();
  if (u.length === 0 || u.toLowerCase() === label.trim().toLowerCase() || label.includes(`(${u})`)) return label;
  return `${label} (${u})`;
}
