/** A metav1.Status cause, as the real server lists them under details.causes. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The body of every failed API request: a metav1.Status. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/**
 * A failed request carried as an exception until the HTTP layer turns it into a Status response;
 * reason, code and message follow the real kube-apiserver so clients branch on them as they would in
 * a cluster.
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails, retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The metav1.Status the server sends for this error. */
  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

/** Identifies a resource the way error messages name it: plural plus group ("deployments.apps"). */
export interface ResourceName {
  group: string;
  plural: string;
  kind: string;
}

/** "deployments.apps", or just "pods" for the core group. */
export function qualifiedResource(r: { group: string; plural: string }): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

/** "Deployment.apps", or just "Pod" for the core group: how Invalid errors name the kind. */
export function qualifiedKind(r: { group: string; kind: string }): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

function details(r: ResourceName, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (r.group !== '') d.group = r.group;
  d.kind = r.plural;
  return d;
}

/** 404 for a named object that does not exist. */
export function notFound(r: ResourceName, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, details(r, name));
}

/** 409 for a create whose name is taken. */
export function alreadyExists(r: ResourceName, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, details(r, name));
}

/** 409 for a write carrying a stale resourceVersion. */
export function conflict(r: ResourceName, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, details(r, name));
}

/** 422 listing one cause per offending field, formatted as the real server joins them. */
export function invalid(r: ResourceName, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: StatusDetails = { name };
  if (r.group !== '') d.group = r.group;
  d.kind = r.kind;
  d.causes = causes;
  return new ApiError(422, 'Invalid', `${qualifiedKind(r)} "${name}" is invalid: ${summary}`, d);
}

/** 400 for a request the server cannot make sense of. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 401 for a request without valid credentials. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 405 for a verb the resource does not support. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

/** 404 for a path that names no served resource. */
export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

/** 410 for a resourceVersion older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 429 asking the client to come back after retryAfterSeconds. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, retryAfterSeconds);
}

/** 403 for writes the server refuses on principle (e.g. content in a terminating namespace). */
export function forbidden(message: string, r?: ResourceName, name?: string): ApiError {
  return new ApiError(403, 'Forbidden', message, r && name !== undefined ? details(r, name) : undefined);
}

/** The error a server-side 5xx reports; 503 and 504 carry their own reasons as in the real server. */
export function serverError(code: number, retryAfterSeconds?: number): ApiError {
  if (code === 503) return new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', undefined, retryAfterSeconds);
  if (code === 504) return new ApiError(504, 'Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request');
  return new ApiError(code, 'InternalError', 'Internal error occurred: injected fault', { causes: [{ reason: '', message: 'injected fault' }] }, retryAfterSeconds);
}
