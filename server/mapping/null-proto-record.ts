import { z } from 'zod';

// Records keyed by names from the network or the user (provider and channel names) must not inherit from
// Object.prototype: zod's z.record assigns `result[key] = value`, so a provider named "__proto__" silently vanished at
// the next start, and `"toString" in overrides` was true with no such override (issue 13 §4). These records have no
// prototype, keep every own key as data, and are checked with Object.hasOwn.

/** A copy of `source`'s own enumerable entries in an object without a prototype. */
export function nullProtoCopy<V>(source: Readonly<Record<string, V>>): Record<string, V> {
  const copy: Record<string, V> = Object.create(null);
  for (const [key, value] of Object.entries(source)) copy[key] = value;
  return copy;
}

/** Like z.record(key, value), but the parsed record has no prototype (so "__proto__" is an ordinary key). */
export function nullProtoRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V) {
  return z.unknown().transform((input, ctx): Record<string, z.output<V>> => {
    const out: Record<string, z.output<V>> = Object.create(null);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object keyed by name' });
      return out;
    }
    for (const [name, raw] of Object.entries(input)) {
      const checkedKey = key.safeParse(name);
      if (!checkedKey.success) {
        for (const issue of checkedKey.error.issues) {
          ctx.addIssue({ code: 'custom', path: [name], message: `name ${JSON.stringify(name)}: ${issue.message}` });
        }
        continue;
      }
      const checked = value.safeParse(raw);
      if (!checked.success) {
        // Re-raised whole (code, bounds, keys), not as text, so describeZodError words them like any other issue.
        for (const issue of checked.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] });
        continue;
      }
      out[name] = checked.data;
    }
    return out;
  });
}
