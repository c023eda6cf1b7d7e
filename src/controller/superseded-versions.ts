/**
 * Resource versions of Canaries that the controller knows to be out of date, because it has since
 * written the Canary's status over them (or been refused a write on them). A tick acts before it writes
 * the status, so a tick that decides from such a version repeats an old step: after an outage, when the
 * Canary informer comes back later than the controller's own writes, that meant writing the TrafficSplit
 * of a step already left behind (the canary's weight back at 60 % after promotion). While the cache shows
 * a superseded version, the tick reads the Canary from the API server instead.
 *
 * A set per Canary only while its cache is behind; the first version the cache shows that is not one of
 * them (the controller's own write arriving, or anything newer) clears it, since a watch delivers each
 * object's versions in order.
 */
export class SupersededVersions {
  readonly #byKey = new Map<string, Set<string>>();

  /** The controller has written over `resourceVersion` of Canary `key`, or was refused a write on it. */
  supersede(key: string, resourceVersion: string | undefined): void {
    if (resourceVersion === undefined) return;
    let versions = this.#byKey.get(key);
    if (versions === undefined) this.#byKey.set(key, (versions = new Set()));
    versions.add(resourceVersion);
  }

  /** Whether a Canary read from the cache at `resourceVersion` is known to be out of date. */
  isSuperseded(key: string, resourceVersion: string | undefined): boolean {
    return resourceVersion !== undefined && this.#byKey.get(key)?.has(resourceVersion) === true;
  }

  /** The cache now shows `resourceVersion` of Canary `key`. */
  seen(key: string, resourceVersion: string | undefined): void {
    if (!this.isSuperseded(key, resourceVersion)) this.#byKey.delete(key);
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }
}
