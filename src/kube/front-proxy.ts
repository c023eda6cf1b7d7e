import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';

/**
 * Authentication of an aggregated API server's callers, as Kubernetes' own extension servers do it: the
 * kube-apiserver's aggregator proxies each request with a client certificate signed by its front-proxy
 * CA and names the user it authenticated in headers. Only that certificate is trusted to name a user;
 * anyone else who reaches the server's Service directly is nobody. What to trust (the CA, the allowed
 * certificate names, the header names) is what the API server publishes in
 * `kube-system/extension-apiserver-authentication`.
 */

export const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' } as const;

/** kube-apiserver's `--requestheader-*` settings, as the ConfigMap publishes them. */
export interface RequestHeaderSettings {
  /** PEM bundle of the CA that signs the front proxy's client certificate. */
  clientCA: string;
  /** Common names the client certificate may have; empty: any certificate the CA signed. */
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

/** Who the front proxy says is asking. */
export interface RequestUser {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export type Authentication = { authenticated: true; user: RequestUser } | { authenticated: false; reason: string };

const CLIENT_AUTH_USAGE = '1.3.6.1.5.5.7.3.2';

/** Reads the settings from the ConfigMap; throws a sentence a person can act on when they are missing. */
export function requestHeaderSettings(configMap: V1ConfigMap): RequestHeaderSettings {
  const data = configMap.data ?? {};
  const clientCA = data['requestheader-client-ca-file'];
  if (!clientCA?.includes('BEGIN CERTIFICATE')) {
    throw new Error(
      `${AUTHENTICATION_CONFIGMAP.namespace}/${AUTHENTICATION_CONFIGMAP.name} has no requestheader-client-ca-file: the API server runs without --requestheader-client-ca-file, so no aggregated API can tell its front proxy from anyone else`,
    );
  }
  const list = (key: string, fallback: string[]): string[] => {
    const text = data[key];
    if (text === undefined || text.trim() === '') return fallback;
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`${AUTHENTICATION_CONFIGMAP.name} ${key}: expected a JSON list of strings, got ${text}`);
    return parsed.map(String);
  };
  return {
    clientCA,
    allowedNames: list('requestheader-allowed-names', []),
    usernameHeaders: list('requestheader-username-headers', ['X-Remote-User']),
    uidHeaders: list('requestheader-uid-headers', []),
    groupHeaders: list('requestheader-group-headers', ['X-Remote-Group']),
    extraHeaderPrefixes: list('requestheader-extra-headers-prefix', ['X-Remote-Extra-']),
  };
}

/** Reads `kube-system/extension-apiserver-authentication` (the Role `extension-apiserver-authentication-reader` grants it). */
export async function readRequestHeaderSettings(core: CoreV1Api): Promise<RequestHeaderSettings> {
  return requestHeaderSettings(await core.readNamespacedConfigMap(AUTHENTICATION_CONFIGMAP));
}

/**
 * The user a request names, if it came from the front proxy: a client certificate the TLS layer verified
 * against the front-proxy CA (the server is set up with it as `ca`, `requestCert`), valid for client
 * authentication, with an allowed common name, and a username header.
 */
export function authenticateFrontProxy(request: IncomingMessage, settings: RequestHeaderSettings): Authentication {
  const socket = request.socket as Partial<TLSSocket>;
  const certificate = socket.getPeerCertificate?.();
  if (!certificate || Object.keys(certificate).length === 0) return { authenticated: false, reason: 'no client certificate' };
  if (!socket.authorized) return { authenticated: false, reason: `client certificate not signed by the front-proxy CA (${String(socket.authorizationError)})` };
  if (certificate.ext_key_usage && !certificate.ext_key_usage.includes(CLIENT_AUTH_USAGE)) {
    return { authenticated: false, reason: 'client certificate not valid for client authentication' };
  }
  const name = certificate.subject?.CN;
  if (settings.allowedNames.length > 0 && !settings.allowedNames.includes(String(name))) {
    return { authenticated: false, reason: `client certificate name ${JSON.stringify(name)} is not among the allowed front-proxy names` };
  }
  const headers = request.headersDistinct;
  const first = (names: string[]) => names.flatMap((header) => headers[header.toLowerCase()] ?? []).find((value) => value !== '');
  const username = first(settings.usernameHeaders);
  if (username === undefined) return { authenticated: false, reason: 'the front proxy named no user' };
  const extra: Record<string, string[]> = {};
  for (const prefix of settings.extraHeaderPrefixes.map((p) => p.toLowerCase())) {
    for (const [header, values] of Object.entries(headers)) {
      if (!header.startsWith(prefix) || values === undefined) continue;
      const key = decodeURIComponent(header.slice(prefix.length)).toLowerCase();
      extra[key] = [...(extra[key] ?? []), ...values];
    }
  }
  return {
    authenticated: true,
    user: {
      username,
      uid: first(settings.uidHeaders),
      groups: settings.groupHeaders.flatMap((header) => headers[header.toLowerCase()] ?? []),
      extra,
    },
  };
}
