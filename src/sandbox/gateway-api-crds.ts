import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

// The upstream Gateway API CRDs kept unmodified under third_party/gateway-api/ (see the README there), for
// tests and the playground to install into the sandbox API server.

/** The Gateway API releases whose standard-channel CRDs the repository carries. */
export const GATEWAY_API_VERSIONS = ['v1.0.0', 'v1.6.1'] as const;
export type GatewayApiVersion = (typeof GATEWAY_API_VERSIONS)[number];

/** The CRD files (absolute paths, sorted) of one Gateway API release. */
export function gatewayApiCrdFiles(version: GatewayApiVersion): string[] {
  const dir = fileURLToPath(new URL(`../../third_party/gateway-api/${version}/`, import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${dir}${f}`);
}

type CrdVersion = { name: string; served: boolean; storage: boolean };
/** A CRD as plain JSON, ready to send as kubectl does. */
export type GatewayApiCrd = { metadata: { name: string }; spec: { versions: CrdVersion[] } } & Record<string, unknown>;

/**
 * The CRDs of one release as objects, optionally serving only some API versions: a cluster of Gateway
 * API v0.6–v0.8 served HTTPRoute `v1beta1` alone, and a cluster may stop serving `v1beta1`. The files
 * stay untouched; only the `served` flags of the copies change (a CRD keeps at least its storage version).
 */
export function gatewayApiCrds(version: GatewayApiVersion, options: { served?: readonly string[] } = {}): GatewayApiCrd[] {
  const served = options.served;
  return gatewayApiCrdFiles(version)
    .flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as GatewayApiCrd | null))
    .filter((crd): crd is GatewayApiCrd => crd !== null && crd.kind === 'CustomResourceDefinition')
    .map((crd) => {
      if (!served) return crd;
      const versions = crd.spec.versions.map((v) => ({ ...v, served: served.includes(v.name) || (v.storage && !crd.spec.versions.some((o) => served.includes(o.name))) }));
      return { ...crd, spec: { ...crd.spec, versions } };
    });
}
