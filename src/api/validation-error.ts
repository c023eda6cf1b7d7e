/**
 * A problem with one field of a Kanari object, worded for the person who wrote it: the field, the value
 * given and the rule. The value is left out when it could carry a token (URLs, addresses, headers,
 * webhook metadata); see offending-value.ts.
 */
export interface ValidationError {
  /** Dotted field path with [i] list indices, e.g. `spec.analysis.metrics[0].interval`; '' for the object. */
  path: string;
  message: string;
  /** The value given, as shown to a person (`"1 minute"`, `101`, `a list`); absent when missing or not to be shown. */
  value?: string;
}

/** `path = value: message`, `path: message` without a value to show, or the message alone for the object. */
export function formatValidationError(error: ValidationError): string {
  if (!error.path) return error.message;
  return error.value === undefined ? `${error.path}: ${error.message}` : `${error.path} = ${error.value}: ${error.message}`;
}

/** Appends a key to a dotted path, quoting keys that would read ambiguously (label keys with dots). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const segment = /^[A-Za-z_][\w-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return segment;
  return segment.startsWith('[') ? `${parent}${segment}` : `${parent}.${segment}`;
}
