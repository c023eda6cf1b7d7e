import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
