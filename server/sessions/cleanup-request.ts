import { z } from 'zod';

/** Body of POST /cleanup and payload of session:cleanup. Missing / null means "run the sweep now". */
export const cleanupRequestSchema = z
  .object({
    all_completed: z.boolean().optional(),
    max_age_minutes: z.number().min(0).max(525_600).optional(),
  })
  .nullish()
  .transform((v) => v ?? {});
