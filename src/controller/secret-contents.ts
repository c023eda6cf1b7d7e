import type { CoreV1Api } from '@kubernetes/client-node';
import { decodeSecretData, type SecretReader } from '../kube/secret-reader.ts';
import type { CacheLookup, ConfigSummary } from '../workload/cluster-reader.ts';

/**
 * The data of the Secrets providers read (an alert's address, a metric server's credentials), fetched
 * once per version of each: the Secrets cache keeps no content, only versions and checksums, so a
 * Secret is read from the API server when first needed and again only after it changed. Holds the data
 * of those few Secrets alone, not of every Secret in the cluster.
 */
export class SecretContents {
  readonly #summaries: CacheLookup<ConfigSummary>;
  readonly #core: CoreV1Api;
  readonly #read = new Map<string, { resourceVersion: string; data: Record<string, string> }>();

  constructor(summaries: CacheLookup<ConfigSummary>, core: CoreV1Api) {
    this.#summaries = summaries;
    this.#core = core;
  }

  /** A SecretReader: decoded data, or an error naming the Secret when the cache has no such Secret. */
  readonly reader: SecretReader = async (namespace, name) => {
    const key = `${namespace}/${name}`;
    const summary = this.#summaries.get(namespace, name);
    if (!summary) {
      this.#read.delete(key);
      throw new Error(`Secret ${namespace}/${name} not found`);
    }
    const known = this.#read.get(key);
    if (known && known.resourceVersion === summary.metadata?.resourceVersion) return { ...known.data };
    const secret = await this.#core.readNamespacedSecret({ namespace, name });
    const data = decodeSecretData(secret.data, secret.stringData);
    this.#read.set(key, { resourceVersion: secret.metadata?.resourceVersion ?? '', data });
    return { ...data };
  };
}
