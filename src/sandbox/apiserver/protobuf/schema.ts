import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

// The message types come from the upstream generated.proto files as compiled into a kubectl release
// (third_party/kubernetes-proto, see its README). They are loaded with protobufjs's reflection at the
// first protobuf request rather than compiled to static code: the descriptors are the single source,
// nothing generated has to be kept in step with them, and servers that never see protobuf never pay.

const descriptorsUrl = new URL('../../../../third_party/kubernetes-proto/kubernetes-descriptors.json', import.meta.url);

/** The proto package of apimachinery's meta/v1 (Status, WatchEvent, DeleteOptions, ListMeta, ...). */
export const metaPackage = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const runtimePackage = 'k8s.io.apimachinery.pkg.runtime';

/** The reflected Kubernetes API types, looked up by apiVersion and kind. */
export class KubernetesProtoSchema {
  readonly root: protobuf.Root;
  /** runtime.Unknown: the envelope of every object on the wire. */
  readonly unknown: protobuf.Type;
  readonly watchEvent: protobuf.Type;
  private readonly byKind = new Map<string, protobuf.Type | undefined>();

  constructor(root: protobuf.Root) {
    this.root = root;
    root.resolveAll();
    this.unknown = root.lookupType(`${runtimePackage}.Unknown`);
    this.watchEvent = root.lookupType(`${metaPackage}.WatchEvent`);
  }

  /**
   * The message of a kind at an apiVersion, or undefined when the kind has no protobuf form here (custom
   * resources, Table, or groups whose descriptors are not vendored). k8s.io/api keeps group `x.k8s.io`
   * version `v` in package `k8s.io.api.x.v` (the core group in `core`); kinds every group shares
   * (Status, DeleteOptions, WatchEvent, ...) live in meta/v1.
   */
  messageFor(apiVersion: string, kind: string): protobuf.Type | undefined {
    const key = `${apiVersion}/${kind}`;
    if (this.byKind.has(key)) return this.byKind.get(key);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const pkg = group === '' ? 'core' : group.split('.')[0];
    const candidates = group === 'meta.k8s.io' ? [`${metaPackage}.${kind}`] : [`k8s.io.api.${pkg}.${version}.${kind}`, `${metaPackage}.${kind}`];
    let found: protobuf.Type | undefined;
    for (const name of candidates) {
      const t = this.root.lookup(name);
      if (t instanceof protobuf.Type) {
        found = t;
        break;
      }
    }
    this.byKind.set(key, found);
    return found;
  }
}

let loaded: KubernetesProtoSchema | undefined;

/**
 * The schema, parsed once per process: it is immutable, and parsing the 400 kB of descriptors (about
 * 100 ms) for every sandbox server a test suite starts would be waste.
 */
export function kubernetesProtoSchema(): KubernetesProtoSchema {
  if (!loaded) {
    const document = JSON.parse(readFileSync(descriptorsUrl, 'utf8')) as { root: protobuf.INamespace };
    loaded = new KubernetesProtoSchema(protobuf.Root.fromJSON(document.root));
  }
  return loaded;
}
