import { generate } from 'selfsigned';

/** A PEM certificate and its key. */
export interface Pem {
  cert: string;
  key: string;
}

/** A CA of its own, as kube-apiserver's `--requestheader-client-ca-file` names one. */
export async function certificateAuthority(name: string): Promise<Pem> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

/** A certificate `ca` signs for `commonName`, for client authentication unless `usage` says server. */
export async function signedCertificate(ca: Pem, commonName: string, usage: 'client' | 'server' = 'client'): Promise<Pem> {
  const issued = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: usage === 'client', serverAuth: usage === 'server' },
    ],
  });
  return { cert: issued.cert, key: issued.private };
}
