import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files (PEM) of the mutual TLS between the orchestrator (the test) and the hosts' agents. */
export interface AgentCerts {
  /** The CA both sides trust (it signs every certificate below). */
  caFile: string;
  /** Its PEM text (what the orchestrator's client trusts). */
  ca: string;
  /** The orchestrator's client certificate and key. */
  clientCert: string;
  clientKey: string;
  /** Per host address: that agent's server certificate and key files (its address as IP SAN). */
  server: Record<string, { certFile: string; keyFile: string }>;
}

/**
 * Make a throwaway CA, one server certificate per agent address and a client certificate for the
 * orchestrator in `dir` (openssl CLI; EC keys; valid two days). Non-loopback agents refuse anything else.
 */
export function makeAgentCerts(dir: string, addresses: readonly string[]): AgentCerts {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...newKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=virtkit-test-ca');
  const leaf = (name: string, ext: string): void => {
    ssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    const signed = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2'];
    ssl('x509', '-req', '-in', `${name}.csr`, ...signed, '-extfile', `${name}.ext`);
  };
  const server: AgentCerts['server'] = {};
  for (const [i, address] of addresses.entries()) {
    leaf(`agent${i}`, `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
    server[address] = { certFile: join(dir, `agent${i}.pem`), keyFile: join(dir, `agent${i}.key`) };
  }
  leaf('orchestrator', 'extendedKeyUsage=clientAuth\n');
  return {
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    clientCert: readFileSync(join(dir, 'orchestrator.pem'), 'utf8'),
    clientKey: readFileSync(join(dir, 'orchestrator.key'), 'utf8'),
    server,
  };
}
