import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
  /** Where the certificate is, for `curl --cacert`. */
  readonly certPath: string;
}

/**
 * The local runtime's self-signed certificate for localhost, 127.0.0.1 and ::1, made once per
 * data directory and kept, so a client can trust it with `--cacert` across restarts.
 *
 * It is a leaf, not a CA (`CA:FALSE`, digitalSignature only, serverAuth): whoever trusts it
 * trusts this one server name, never certificates its key might sign. curl and Node accept a
 * self-signed leaf given as the trust anchor. A CA-style certificate left by an older version
 * in the data directory is replaced.
 */
export async function localCertificate(dataDir: string, host: string): Promise<TlsFiles> {
  const directory = join(dataDir, 'tls');
  const keyPath = join(directory, 'key.pem');
  const certPath = join(directory, 'cert.pem');
  if (existsSync(keyPath) && existsSync(certPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (isLeaf(cert)) return { key: readFileSync(keyPath, 'utf8'), cert, certPath };
  }
  const names = [...new Set(['localhost', host])];
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.filter((name) => !/^[\d.:]+$/.test(name)).map((value) => ({ type: 2 as const, value })),
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  chmodSync(certPath, 0o600);
  return { key: pems.private, cert: pems.cert, certPath };
}

function isLeaf(pem: string): boolean {
  try {
    return !new X509Certificate(pem).ca;
  } catch {
    return false;
  }
}
