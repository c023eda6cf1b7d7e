import { Duration } from './duration.ts';
import { childPath, type ValidationError } from './validation-error.ts';

/** Rules every kind shares: a name, durations longer than zero, unique names in a list. */

/** `metadata.name` must be set (or generateName), since every Kanari object is addressed by name. */
export function metadataNameRules(metadata: { name?: string; generateName?: string }): ValidationError[] {
  if (metadata.name || metadata.generateName) return [];
  return [{ path: 'metadata.name', message: 'is required' }];
}

/** A duration that parses and is not zero; the schema pattern already rejects most bad syntax. */
export function positiveDurationRule(text: string | undefined, path: string): ValidationError[] {
  if (text === undefined) return [];
  const duration = Duration.tryParse(text);
  if (!duration) return [{ path, message: 'must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms' }];
  if (duration.milliseconds <= 0) return [{ path, message: 'must be longer than 0s' }];
  return [];
}

/** Reports each entry whose name repeats an earlier one: names identify checks in status and Events. */
export function duplicateNames(items: ReadonlyArray<{ name: string }> | undefined, path: string): ValidationError[] {
  const firstIndex = new Map<string, number>();
  const errors: ValidationError[] = [];
  items?.forEach((item, i) => {
    const earlier = firstIndex.get(item.name);
    if (earlier === undefined) firstIndex.set(item.name, i);
    else errors.push({ path: childPath(childPath(path, i), 'name'), message: `duplicates the name of ${path.split('.').pop()}[${earlier}]: names must be unique` });
  });
  return errors;
}
