import { randomBytes } from 'node:crypto';
import type { StatusCause } from './api-error.ts';

/** RFC 3339 with second precision, the form metav1.Time serialises to. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The alphabet apimachinery's rand.String uses: no vowels or look-alikes, so names never spell words.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName plus five random characters, as the real server names generated objects. */
export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += nameAlphabet[b % nameAlphabet.length];
  return prefix + suffix;
}

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * How a kind's names are checked: an RFC 1123 subdomain for most, a label for namespaces and services,
 * and for RBAC's kinds only a valid path segment (`system:auth-delegator` is a ClusterRole name).
 */
export type NameRule = 'subdomain' | 'label' | 'path-segment';

/** Checks metadata.name as the real server does for a kind with this rule. */
export function validateObjectName(name: string, rule: NameRule): StatusCause[] {
  if (rule === 'path-segment') {
    const problem = name === '.' || name === '..' ? `may not be '${name}'` : name.includes('/') ? "may not contain '/'" : name.includes('%') ? "may not contain '%'" : undefined;
    return problem ? [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${problem}` }] : [];
  }
  if (rule === 'label') {
    if (label.test(name) && name.length <= 63) return [];
    return [{
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    }];
  }
  if (subdomain.test(name) && name.length <= 253) return [];
  return [{
    reason: 'FieldValueInvalid',
    field: 'metadata.name',
    message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  }];
}
