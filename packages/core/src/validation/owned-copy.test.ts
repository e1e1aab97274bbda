import 'reflect-metadata';
import { SpawnRequest } from '../capabilities/lifecycle/requests.js';
import { ChangeInstanceMetadataRequest } from '../capabilities/guest/requests.js';
import { AttachVolumeRequest } from '../capabilities/volume/requests.js';
import { GetAvailableResourceRequest } from '../capabilities/inventory/requests.js';
import { ValidationError } from '../errors/errors.js';
import { validateRequest } from './validate-request.js';

// Issue #12 items 4, 5, 6 and 11 (validation): the validated copy is deep and owned, hostile objects are read
// once and refused with a typed error, values looser than their declared types are refused.
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const FLAVOR = { name: 'm1', vcpus: 1, memoryMb: 128, rootGb: 1 };
const VIF = {
  id: 'p1',
  address: '52:54:00:12:34:56',
  type: 'user',
  network: { id: 'n1', subnets: [{ cidr: '10.0.0.0/24', ips: ['10.0.0.5'] }] },
};
const spawn = (): any => ({
  instance: { uuid: UUID, name: 'vm', flavor: { ...FLAVOR }, metadata: { a: 'b' } },
  imageMeta: { diskFormat: 'raw', properties: { os_type: 'linux' } },
  networkInfo: [structuredClone(VIF)],
});
const VOL = (): any => ({
  instance: { uuid: UUID },
  mountpoint: 'vdb',
  connectionInfo: { driverVolumeType: 'memory', data: { volumeId: 'v1', nested: { list: [1, 'x'] } } },
});

function failure(cls: new () => object, req: unknown): ValidationError {
  try {
    validateRequest(cls, req, 'op');
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw new Error(`not a ValidationError: ${String(error)}`);
  }
  throw new Error('accepted');
}

describe('the validated copy is deep and owned (item 5)', () => {
  it('copies nested records and arrays: later caller mutations never reach the copy', () => {
    const req = spawn();
    const copy: any = validateRequest(SpawnRequest, req, 'spawn');
    req.instance.metadata.a = '../../etc/shadow\0';
    req.instance.metadata.injected = 42;
    req.imageMeta.properties.os_type = 7;
    req.networkInfo[0].network.subnets[0].ips.push('not-an-ip');
    req.networkInfo.push({ bogus: true });
    expect(copy.instance.metadata).toEqual({ a: 'b' });
    expect(copy.imageMeta.properties).toEqual({ os_type: 'linux' });
    expect(copy.networkInfo).toHaveLength(1);
    expect(copy.networkInfo[0].network.subnets[0].ips).toEqual(['10.0.0.5']);
    expect(copy.instance.metadata).not.toBe(req.instance.metadata);
  });

  it('copies free-form data and diff records', () => {
    const vol = VOL();
    const copy: any = validateRequest(AttachVolumeRequest, vol, 'attachVolume');
    vol.connectionInfo.data.nested.list.push({ __proto__: 1 });
    vol.connectionInfo.data.volumeId = '../x';
    expect(copy.connectionInfo.data).toEqual({ volumeId: 'v1', nested: { list: [1, 'x'] } });
    const diff = { instance: { uuid: UUID }, diff: { set: { a: 'b' }, remove: ['c'] } };
    const d: any = validateRequest(ChangeInstanceMetadataRequest, diff, 'changeInstanceMetadata');
    diff.diff.set.a = 'changed';
    diff.diff.remove.push('d');
    expect(d.diff).toEqual({ set: { a: 'b' }, remove: ['c'] });
  });

  it('validates free-form records as records of their declared value types', () => {
    const nonString = spawn();
    nonString.instance.metadata = { a: 1 };
    expect(failure(SpawnRequest, nonString).paths).toEqual(['instance.metadata']);
    const polluted = spawn();
    polluted.imageMeta.properties = JSON.parse('{"__proto__": "x"}');
    expect(failure(SpawnRequest, polluted).paths).toEqual(['imageMeta.properties']);
    const pollutedData = VOL();
    pollutedData.connectionInfo.data = JSON.parse('{"deep": {"__proto__": {"polluted": true}}}');
    expect(failure(AttachVolumeRequest, pollutedData).paths).toEqual(['connectionInfo.data']);
    const nan = spawn();
    nan.allocations = { rp1: { resources: { VCPU: NaN } } };
    expect(failure(SpawnRequest, nan).paths).toEqual(['allocations']);
    const negative = spawn();
    negative.allocations = { rp1: { resources: { VCPU: -1 } } };
    expect(failure(SpawnRequest, negative).paths).toEqual(['allocations']);
    const ok = spawn();
    ok.allocations = { rp1: { resources: { VCPU: 1 } } };
    expect(() => validateRequest(SpawnRequest, ok, 'spawn')).not.toThrow();
  });
});

describe('shapes that used to pass and crash the driver (item 6)', () => {
  const cases: [string, (r: any) => void, string][] = [
    ['[undefined] as networkInfo', (r) => (r.networkInfo = [undefined]), 'networkInfo.0'],
    ['nested arrays as networkInfo', (r) => (r.networkInfo = [[VIF]]), 'networkInfo.0'],
    ['an array where the flavor object is expected', (r) => (r.instance.flavor = [FLAVOR]), 'instance.flavor'],
    ['a Set as networkInfo', (r) => (r.networkInfo = new Set([VIF])), 'networkInfo'],
    ['a Set as metadata', (r) => (r.instance.metadata = new Set(['a'])), 'instance.metadata'],
    ['a Map as properties', (r) => (r.imageMeta.properties = new Map([['a', 'b']])), 'imageMeta.properties'],
    ['new Boolean(false) as powerOn', (r) => (r.powerOn = new Boolean(false)), 'powerOn'],
    ['new String as the name', (r) => (r.instance.name = new String('vm')), 'instance.name'],
    ['new Number as vcpus', (r) => (r.instance.flavor.vcpus = new Number(1)), 'instance.flavor.vcpus'],
    ['a Date in free-form data', (r) => (r.instance.metadata = { a: new Date() }), 'instance.metadata'],
    [
      'a nested array of ips',
      (r) => (r.networkInfo[0].network.subnets[0].ips = [['10.0.0.5']]),
      'networkInfo.0.network.subnets.0.ips',
    ],
  ];
  it.each(cases)('%s is VALIDATION_FAILED at its path', (_what, mutate, path) => {
    const req = spawn();
    mutate(req);
    expect(failure(SpawnRequest, req).paths).toContain(path);
  });
});

describe('hostile objects (item 4)', () => {
  it('a throwing getter is VALIDATION_FAILED at its path, read once', () => {
    const req = spawn();
    let reads = 0;
    Object.defineProperty(req.instance, 'name', {
      enumerable: true,
      get: () => {
        reads++;
        throw new Error('boom');
      },
    });
    const error = failure(SpawnRequest, req);
    expect(error.paths).toEqual(['instance.name']);
    expect(reads).toBe(1);
  });

  it('a getter answering differently on a second read cannot smuggle a value past validation', () => {
    const req = spawn();
    let reads = 0;
    Object.defineProperty(req.instance, 'name', {
      enumerable: true,
      get: () => (reads++ === 0 ? 'vm' : '../../etc/shadow'),
    });
    const copy: any = validateRequest(SpawnRequest, req, 'spawn');
    expect(copy.instance.name).toBe('vm');
    expect(reads).toBe(1);
  });

  it('a proxy whose traps throw, a revoked proxy, a proxy as the request: typed errors', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(failure(SpawnRequest, trap).code).toBe('VALIDATION_FAILED');
    const { proxy, revoke } = Proxy.revocable(spawn(), {});
    revoke();
    expect(failure(SpawnRequest, proxy).code).toBe('VALIDATION_FAILED');
    const nested = spawn();
    nested.instance = new Proxy(nested.instance, {
      get: () => {
        throw new Error('trap');
      },
    });
    expect(failure(SpawnRequest, nested).paths[0]).toMatch(/^instance/);
  });

  it('a well-behaved proxy is read once and copied: the copy is not the proxy', () => {
    const req = spawn();
    const seen: string[] = [];
    req.instance = new Proxy(req.instance, { get: (t, k) => (seen.push(String(k)), Reflect.get(t, k)) });
    const copy: any = validateRequest(SpawnRequest, req, 'spawn');
    expect(copy.instance).toEqual(spawn().instance);
    expect(seen.filter((k) => k === 'uuid')).toHaveLength(1);
  });
});

describe('error messages and fields looser than their types (item 11)', () => {
  it('quotes request values bounded and escaped', () => {
    const req = { instance: { uuid: UUID, node: 'x'.repeat(1_000_000) + '\nFORGED log line' } };
    const error = failure(GetAvailableResourceRequest, { nodename: `${'n'.repeat(500)}\n2026-01-01 ERROR forged` });
    expect(error.message.length).toBeLessThan(2100);
    expect(error.message).not.toMatch(/[\n\r]/);
    expect(failure(ChangeInstanceMetadataRequest, { ...req, diff: {} }).message).not.toMatch(/[\n\r]/);
  });

  it.each([
    ['nodename with ../', GetAvailableResourceRequest, { nodename: '../etc' }],
    ['nodename with NUL', GetAvailableResourceRequest, { nodename: 'node\0' }],
    [
      'rootDeviceName with ../',
      SpawnRequest,
      { ...spawn(), instance: { ...spawn().instance, rootDeviceName: '../vda' } },
    ],
    [
      'diskBus with NUL',
      SpawnRequest,
      { ...spawn(), blockDeviceInfo: { swap: { swapSizeMb: 1, diskBus: 'virtio\0' } } },
    ],
    ['host name with CR/LF', SpawnRequest, { ...spawn(), instance: { ...spawn().instance, hostname: 'a\r\nb' } }],
    [
      'network label with LF',
      SpawnRequest,
      { ...spawn(), networkInfo: [{ ...VIF, network: { ...VIF.network, label: 'a\nb' } }] },
    ],
    ['mtu -1', SpawnRequest, { ...spawn(), networkInfo: [{ ...VIF, network: { ...VIF.network, mtu: -1 } }] }],
    [
      'metadata value not a string',
      SpawnRequest,
      { ...spawn(), instance: { ...spawn().instance, metadata: { a: { b: 'c' } } } },
    ],
    ['image property not a string', SpawnRequest, { ...spawn(), imageMeta: { properties: { hw_disk_bus: 1 } } }],
  ])('%s is VALIDATION_FAILED', (_what, cls, req) => {
    expect(failure(cls, req).code).toBe('VALIDATION_FAILED');
  });

  it('optional fields given null are treated as absent (not handed to the driver as null)', () => {
    const copy: any = validateRequest(SpawnRequest, { ...spawn(), networkInfo: null, blockDeviceInfo: null }, 'spawn');
    expect('networkInfo' in copy).toBe(false);
    expect('blockDeviceInfo' in copy).toBe(false);
  });
});
