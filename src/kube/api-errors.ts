import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a failed client-node call, or undefined for errors that never reached the server. */
export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  // Watch errors carry `statusCode`, older paths `code`.
  if (typeof err === 'object' && err !== null) {
    const e = err as { statusCode?: unknown; code?: unknown };
    if (typeof e.statusCode === 'number') return e.statusCode;
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** True for failures that end by themselves: no answer at all (the server is away), 429, or a 5xx. */
export function isTransient(err: unknown): boolean {
  const code = statusCodeOf(err);
  return code === undefined || code === 429 || code >= 500;
}

/** True when the API server answered 404 Not Found. */
export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** True when the API server answered 409 Conflict (stale resourceVersion or an existing name). */
export function isConflict(err: unknown): boolean {
  return statusCodeOf(err) === 409;
}

/** True when the API server answered 409 because the object already exists (create raced another writer). */
export function isAlreadyExists(err: unknown): boolean {
  if (!isConflict(err)) return false;
  const body = bodyOf(err);
  return typeof body === 'object' && body !== null && (body as { reason?: unknown }).reason === 'AlreadyExists';
}

/** The decoded Status body of an ApiException, when there is one. */
export function bodyOf(err: unknown): unknown {
  if (!(err instanceof ApiException)) return undefined;
  const body: unknown = err.body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
