import { closedObject } from '@jetdrive-hub/client/contract';
import { z } from 'zod';
import { CHANNEL_OVERRIDE_SHAPE, unitByName } from '../mapping/index.js';
import { nullProtoRecord } from '../mapping/null-proto-record.js';

// The body of PUT /api/jetdrive/mapping/:provider. Channels may be named in any form the API prints (resolved to
// names by mapping-refs.ts), and `unit` may be the JetDrive unit byte or the label or name the API prints with it.

/** A channel reference: a name, display name, "Provider/Channel", id (12, 0x0C) or key ("17405:12"). */
export const channelRefSchema = z.string().min(1).max(200);

/** A unit byte, or a label/name turned into one ("kPa", "Pressure" → 7). */
const unitInput = z
  .union([z.number(), z.string()], { error: 'must be a JetDrive unit byte (0–255) or a unit name such as "kPa"' })
  .transform((value, ctx): number => {
    if (typeof value === 'string') {
      const lookup = unitByName(value);
      if (lookup.ok) return lookup.unit;
      ctx.addIssue({ code: 'custom', message: lookup.message });
      return z.NEVER;
    }
    const checked = CHANNEL_OVERRIDE_SHAPE.unit.unwrap().safeParse(value);
    if (checked.success) return checked.data;
    for (const issue of checked.error.issues) ctx.addIssue({ ...issue, path: [] });
    return z.NEVER;
  });

const overrideInput = closedObject({ ...CHANNEL_OVERRIDE_SHAPE, unit: unitInput.optional() });

export const mappingPutBodySchema = closedObject({ channels: nullProtoRecord(channelRefSchema, overrideInput) });
