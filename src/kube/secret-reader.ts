import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

/**
 * Reads a Secret's decoded string data. Declared as a function so the engine can back it with its
 * informer cache; `kubeSecretReader` is the direct API implementation.
 */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string>>;

/** A SecretReader that GETs the Secret through client-node's CoreV1Api and base64-decodes `data`. */
export function kubeSecretReader(kubeConfig: KubeConfig): SecretReader {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return async (namespace, name) => {
    const secret = await core.readNamespacedSecret({ namespace, name });
    return decodeSecretData(secret.data, secret.stringData);
  };
}

/** A SecretReader over plain objects keyed `namespace/name`, for tools and tests with no cluster. */
export function staticSecretReader(secrets: Record<string, Record<string, string>>): SecretReader {
  return async (namespace, name) => {
    const data = secrets[`${namespace}/${name}`];
    if (!data) throw new Error(`secret ${namespace}/${name} not found`);
    return { ...data };
  };
}

/** Decodes a Secret's base64 `data` (and plain `stringData`, which wins) into strings. */
export function decodeSecretData(
  data: Record<string, string> | undefined,
  stringData: Record<string, string> | undefined,
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  // stringData only comes back from servers that do not fold it into data (the sandbox may not).
  for (const [key, value] of Object.entries(stringData ?? {})) decoded[key] ??= value;
  return decoded;
}
