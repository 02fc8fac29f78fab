import { z } from 'zod';

// Query strings arrive as strings; these coerce them strictly (an unknown flag value is an error, not "false").

export const unitsQuery = z.enum(['imperial', 'metric']).optional();

export const booleanQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();

export function samplesQuery(max: number) {
  return z.coerce.number().int().min(1).max(max).optional();
}

export const providerNameParam = z.string().min(1).max(64);
