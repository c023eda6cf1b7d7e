import type { KubernetesObject } from '@kubernetes/client-node';

/** What an object is found under in one index: values within its namespace (a target's name, a config's name). */
export type IndexFunction<T> = (obj: T) => readonly string[];

/**
 * A secondary index of an informer cache, as client-go's Indexer: "which Canaries target this
 * Deployment" becomes one map lookup instead of a scan over every Canary, which at thousands of Canaries
 * and a watch event per Deployment change is what kept the controller busy. Values are namespaced: an
 * object is found under `<its namespace>/<value>`.
 */
export class ObjectIndex<T extends KubernetesObject> {
  readonly #valuesOf: IndexFunction<T>;
  /** Namespaced value → keys (`namespace/name`) of the objects found under it. */
  readonly #objects = new Map<string, Set<string>>();
  /** Object key → the namespaced values it is indexed under now, to undo them when it changes. */
  readonly #values = new Map<string, readonly string[]>();

  constructor(valuesOf: IndexFunction<T>) {
    this.#valuesOf = valuesOf;
  }

  /** Indexes an added or changed object (replacing what it was indexed under before). */
  set(obj: T): void {
    const key = objectKey(obj);
    const namespace = obj.metadata?.namespace ?? '';
    const values = [...new Set(this.#valuesOf(obj))].map((value) => `${namespace}/${value}`);
    this.#unset(key);
    if (values.length === 0) return;
    this.#values.set(key, values);
    for (const value of values) {
      let keys = this.#objects.get(value);
      if (!keys) this.#objects.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Forgets a deleted object. */
  delete(obj: T): void {
    this.#unset(objectKey(obj));
  }

  /** Keys (`namespace/name`) of the objects indexed under `value` in `namespace`. */
  keys(namespace: string, value: string): readonly string[] {
    const keys = this.#objects.get(`${namespace}/${value}`);
    return keys ? [...keys] : [];
  }

  #unset(key: string): void {
    const values = this.#values.get(key);
    if (!values) return;
    this.#values.delete(key);
    for (const value of values) {
      const keys = this.#objects.get(value);
      keys?.delete(key);
      if (keys?.size === 0) this.#objects.delete(value);
    }
  }
}

/** `namespace/name`: how caches, queues and indexes name an object. */
export function objectKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}
