import { generate } from 'selfsigned';

/** A key and self-signed certificate; the certificate is also the CA clients trust. */
export interface ServingCertificate {
  key: string;
  cert: string;
}

/** A fresh self-signed serving certificate for 127.0.0.1 and localhost (plus extra host names). */
export async function generateServingCertificate(hosts: string[] = []): Promise<ServingCertificate> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  for (const h of hosts) {
    if (h === 'localhost' || h === '127.0.0.1') continue;
    altNames.push(/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h });
  }
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const result = await generate([{ name: 'commonName', value: 'kanari-sandbox-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: result.private, cert: result.cert };
}
