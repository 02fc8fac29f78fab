import { z } from 'zod';
import { strictFieldsError } from './describe-zod-error.js';

/**
 * The one rule for unknown fields, on every HTTP body and query and every socket payload object: refused, naming the
 * field and listing the accepted ones ("max_iteration: unknown field; the fields are engine_profile, …"). A misspelt
 * field silently dropped would run the default instead of what the user asked for.
 */
export function closedObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, strictFieldsError(shape));
}
