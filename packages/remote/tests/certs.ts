import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM material made by the `openssl` CLI for a test. */
export interface TestCerts {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate of another CA. */
  strangerCert: string;
  strangerKey: string;
  otherCa: string;
  /** A client certificate of the right CA whose validity ended in 2020. */
  expiredCert: string;
  expiredKey: string;
}

/**
 * Make two CAs, a server certificate for 127.0.0.1/localhost and client certificates (valid, foreign, expired) in
 * `dir`.
 */
export function makeCerts(dir: string): TestCerts {
  mkdirSync(dir, { recursive: true });
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  // Every key is a P-256 key, written to `<name>.key` next to the certificate or request made with it.
  const newKey = (name: string): string[] => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
  ];
  /** A self-signed CA certificate (`<name>.pem`). */
  const ca = (name: string): void =>
    ssl('req', '-x509', ...newKey(name), '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  /** A key and a certificate request for it (`<name>.csr`). */
  const request = (name: string): void => ssl('req', ...newKey(name), '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  ca('ca');
  ca('other-ca');
  const leaf = (name: string, issuer: string, ext: string): void => {
    request(name);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  // An expired certificate needs explicit dates: `openssl ca` with a throwaway CA database.
  request('expired');
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db/index.txt'), '');
  writeFileSync(join(dir, 'db/serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'dir = ./db',
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = ./db',
      'default_md = sha256',
      'policy = any',
      'copy_extensions = none',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '[client]',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  ssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.pem',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-extensions',
    'client',
    '-notext',
  );
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    ca: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
    strangerCert: read('stranger.pem'),
    strangerKey: read('stranger.key'),
    otherCa: read('other-ca.pem'),
    expiredCert: read('expired.pem'),
    expiredKey: read('expired.key'),
  };
}
