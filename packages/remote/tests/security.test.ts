import { join } from 'node:path';
import { isVirtkitError } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import {
  connectDriver,
  RemoteAccessError,
  RemoteUnavailableError,
  serveDriver,
  type RemoteDriver,
  type RemoteServer,
} from '@virtkit/remote';
import { makeCerts, type TestCerts } from './certs';
import { rejection, spawnRequest, tempDir, type Untyped } from './helpers';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';

describe('mutual TLS and bearer tokens', () => {
  const tmp = tempDir();
  let certs: TestCerts;
  let server: RemoteServer;
  const served = new MemoryDriver({ hostname: 'secure' });
  let target: string;
  const open: RemoteDriver[] = [];

  const connect = async (options: Parameters<typeof connectDriver>[1]): Promise<RemoteDriver> => {
    const d = await connectDriver(target, options);
    open.push(d);
    return d;
  };
  const refusal = (options: Parameters<typeof connectDriver>[1]): Promise<unknown> =>
    connect(options).then(
      () => undefined,
      (e: unknown) => e,
    );

  beforeAll(async () => {
    certs = makeCerts(join(tmp.dir, 'pki'));
    server = await serveDriver(served, {
      listen: '127.0.0.1:0',
      tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca },
      tokens: { [ADMIN]: 'admin', [READER]: 'read-only' },
    });
    target = server.target;
  });
  afterAll(async () => {
    for (const d of open) await d.close();
    await server?.close();
    tmp.remove();
  });

  it('serves a client with a certificate of the CA and an admin token', async () => {
    expect(target).toMatch(/^grpcs:\/\/127\.0\.0\.1:\d+$/);
    const d = await connect({ token: ADMIN, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    expect(d.role).toBe('admin');
    expect(d.capabilities).toEqual(served.capabilities);
  });

  it('refuses a client certificate of another CA', async () => {
    const e = await refusal({ token: ADMIN, tls: { ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey } });
    expect(e).toBeInstanceOf(RemoteUnavailableError);
  });

  it('refuses a client without a certificate', async () => {
    const e = await refusal({ token: ADMIN, tls: { ca: certs.ca } });
    expect(e).toBeInstanceOf(RemoteUnavailableError);
  });

  it('refuses an expired client certificate', async () => {
    const e = await refusal({ token: ADMIN, tls: { ca: certs.ca, cert: certs.expiredCert, key: certs.expiredKey } });
    expect(e).toBeInstanceOf(RemoteUnavailableError);
  });

  it('refuses a server the client does not trust (wrong CA)', async () => {
    const e = await refusal({ token: ADMIN, tls: { ca: certs.otherCa, cert: certs.clientCert, key: certs.clientKey } });
    expect(e).toBeInstanceOf(RemoteUnavailableError);
  });

  it('refuses a bad or missing token', async () => {
    for (const token of ['not-the-token-0123456789', undefined]) {
      const e = await refusal({ token, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
      expect(e).toBeInstanceOf(RemoteAccessError);
      expect((e as RemoteAccessError).reason).toBe('unauthenticated');
    }
  });

  it('lets a read-only token read but not spawn: refused, nothing changed', async () => {
    const d = await connect({ token: READER, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    expect(d.role).toBe('read-only');
    const before = await served.listInstanceUuids({});
    expect(await d.listInstanceUuids({})).toEqual(before);
    const e = await rejection((d as unknown as Untyped).spawn!({}, spawnRequest()));
    expect(e).toBeInstanceOf(RemoteAccessError);
    expect(e.reason).toBe('permission-denied');
    expect(isVirtkitError(e)).toBe(true);
    expect(await served.listInstanceUuids({})).toEqual(before);
  });
});

describe('listen addresses', () => {
  it('refuses plaintext, and TLS without client certificates, off loopback unless forced', async () => {
    const driver = new MemoryDriver({ hostname: 'x' });
    await expect(serveDriver(driver, { listen: '0.0.0.0:0' })).rejects.toThrow(/refusing plaintext/);
    await expect(serveDriver(driver, { listen: '0.0.0.0:0', tls: { cert: 'x', key: 'y' } })).rejects.toThrow(
      /without client certificates/,
    );
    await expect(serveDriver(driver, { listen: 'nonsense' })).rejects.toThrow(TypeError);
    const forced = await serveDriver(driver, { listen: '0.0.0.0:0', insecure: true, disposeDriver: false });
    await forced.close();
  });
});
