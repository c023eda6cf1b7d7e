import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ClusterReader } from './cluster-reader.ts';
import { referencedConfigs } from './config-refs.ts';
import { computeRevision, type Revision } from './revision.ts';

/**
 * The revision of a target's pod template, memoised per target object. An informer cache keeps a
 * target's object until the target changes, so an idle Canary's tick finds its revision here (after
 * comparing the config checksums, which change without the target) instead of normalising and hashing
 * the pod template again. Configs that opted out of tracking count as absent.
 */
export class TemplateRevisions {
  readonly #reader: Pick<ClusterReader, 'trackedConfigChecksum'>;
  readonly #known = new WeakMap<object, { checksums: readonly (string | undefined)[]; revision: Revision }>();

  constructor(reader: Pick<ClusterReader, 'trackedConfigChecksum'>) {
    this.#reader = reader;
  }

  /** `workload` is the cached object the template belongs to: the memo's key, dropped with it. */
  async of(workload: object, namespace: string, template: V1PodTemplateSpec): Promise<Revision> {
    const refs = referencedConfigs(template.spec);
    const checksums = await Promise.all([
      ...refs.configMaps.map((name) => this.#reader.trackedConfigChecksum('configmap', namespace, name)),
      ...refs.secrets.map((name) => this.#reader.trackedConfigChecksum('secret', namespace, name)),
    ]);
    const known = this.#known.get(workload);
    if (known && known.checksums.length === checksums.length && known.checksums.every((checksum, i) => checksum === checksums[i])) return known.revision;
    const configMaps = new Map(refs.configMaps.map((name, i) => [name, checksums[i]]));
    const secrets = new Map(refs.secrets.map((name, i) => [name, checksums[refs.configMaps.length + i]]));
    const revision = computeRevision(template, { configMapChecksum: (name) => configMaps.get(name), secretChecksum: (name) => secrets.get(name) });
    this.#known.set(workload, { checksums, revision });
    return revision;
  }
}
