/**
 * A problem with one field of a Kanari object, worded for the person who wrote it. Messages name the
 * field and the rule, never the offending value when it could be a URL or address: those carry tokens.
 */
export interface ValidationError {
  /** Dotted field path with [i] list indices, e.g. `spec.analysis.metrics[0].interval`; '' for the object. */
  path: string;
  message: string;
}

/** `path: message`, or the message alone for an object-level problem. */
export function formatValidationError(error: ValidationError): string {
  return error.path ? `${error.path}: ${error.message}` : error.message;
}

/** Appends a key to a dotted path, quoting keys that would read ambiguously (label keys with dots). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const segment = /^[A-Za-z_][\w-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return segment;
  return segment.startsWith('[') ? `${parent}${segment}` : `${parent}.${segment}`;
}
