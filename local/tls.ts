import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
  /** Where the certificate is, for `curl --cacert`. */
  readonly certPath: string;
}

/**
 * The local runtime's self-signed certificate for localhost and 127.0.0.1, made once per data
 * directory and kept, so a client can trust it with `--cacert` across restarts.
 */
export async function localCertificate(dataDir: string, host: string): Promise<TlsFiles> {
  const directory = join(dataDir, 'tls');
  const keyPath = join(directory, 'key.pem');
  const certPath = join(directory, 'cert.pem');
  if (existsSync(keyPath) && existsSync(certPath)) {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  }
  const names = [...new Set(['localhost', host])];
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.filter((name) => !/^[\d.:]+$/.test(name)).map((value) => ({ type: 2, value })),
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  } as never);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}
