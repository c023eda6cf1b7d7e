import { Ajv, type Options } from 'ajv';

/** An ajv instance that understands the `x-kubernetes-*` extensions CRD schemas use. */
export function createKubernetesAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, ...options });
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    validate: (enabled: boolean, data: unknown) => !enabled || typeof data === 'string' || Number.isInteger(data),
    errors: false,
  });
  // Structural hints with no effect on validity.
  for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-list-type', 'x-kubernetes-map-type']) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
}
