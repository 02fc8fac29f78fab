// Sample values arrive as float32 widened to double (14.7 becomes 14.699999809265137). The shortest decimal that
// widens back to the same float32 keeps JSON frames short without losing a bit of what the provider sent.
export function compactFloat(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value) || Math.fround(value) !== value) return value;
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
