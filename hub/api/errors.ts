/**
 * The hub's one refusal: `HttpError` (status, machine-readable code, message, details), answered as
 * the ApiError envelope of shared/contract/hub-api.ts, `{error: {code, message, details?}}`, by the
 * server's error handler (api/server.ts). Any module throws it; none builds the envelope itself.
 */
import type { z } from 'zod';
import type { ApiError } from '../../shared/contract/hub-api';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

export const apiError = (code: string, message: string, details?: unknown): ApiError =>
  ({ error: details === undefined ? { code, message } : { code, message, details } });

/** A request part parsed by its schema, or a 400 `invalid` naming every problem. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new HttpError(400, 'invalid', `invalid ${what}: ${issues.join('; ')}`, { issues: r.error.issues });
}
