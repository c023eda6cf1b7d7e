import { isAlreadyExists, isNotFound } from './api-errors.ts';

/** The three calls an idempotent apply needs for one object, bound to its name and namespace. */
export interface ObjectOps<T> {
  read(): Promise<T>;
  create(body: T): Promise<T>;
  /** A JSON merge patch. */
  patch(body: object): Promise<T>;
}

/** What an apply did, for logs and tests. */
export type ApplyOutcome = 'created' | 'patched' | 'unchanged';

/**
 * Creates the object, or adopts the existing one by merge-patching only the fields `patchFor` returns
 * (undefined = nothing to change). A create that loses a race re-reads and patches, so concurrent
 * controllers and restarts converge instead of failing. `known` is the object as an informer cache has
 * it (`current` undefined: not there), which saves the read; a stale cache at worst costs a patch that
 * changes nothing, or a create that finds the object and reads it after all.
 */
export async function createOrPatch<T>(
  ops: ObjectOps<T>,
  desired: T,
  patchFor: (current: T) => object | undefined,
  known?: { current: T | undefined },
): Promise<{ object: T; outcome: ApplyOutcome }> {
  let current = known?.current;
  if (!known) current = await readOptional(() => ops.read());
  if (current === undefined) {
    try {
      return { object: await ops.create(desired), outcome: 'created' };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      current = await ops.read();
    }
  }
  const patch = patchFor(current);
  if (!patch) return { object: current, outcome: 'unchanged' };
  return { object: await ops.patch(patch), outcome: 'patched' };
}

/** Reads an object, or undefined when it does not exist. */
export async function readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Deletes an object; one that is already gone counts as deleted. */
export async function deleteIgnoringMissing(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
