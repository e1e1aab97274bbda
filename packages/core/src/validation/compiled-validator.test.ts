import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SpawnRequest, RebootRequest, PowerOffRequest } from '../capabilities/lifecycle/requests.js';
import { compileValidator } from './compiled-validator.js';
import { validateRequest } from './validate-request.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const spawn = {
  instance: { uuid: UUID, name: 'vm-1', flavor: { name: 'm1', vcpus: 2, memoryMb: 512, rootGb: 1 }, metadata: { a: 'b' } },
  imageMeta: { diskFormat: 'qcow2', properties: { x: 'y' } },
  networkInfo: [{ id: 'p1', address: '52:54:00:12:34:56', type: 'user', network: { id: 'n1', subnets: [{ cidr: '10.0.0.0/24', ips: ['10.0.0.5'] }] } }],
  injectedFiles: [{ path: '/etc/motd', contents: 'aGVsbG8=' }],
  powerOn: false,
};

/** Every variant class-validator accepts, the compiled check accepts, and the other way round. */
function agree(cls: Function, value: Record<string, unknown>): void {
  const slow = validateSync(plainToInstance(cls as never, value) as object, { forbidUnknownValues: true }).length === 0;
  const fast = compileValidator(cls)!(value) !== undefined;
  if (slow !== fast) throw new Error(`disagree (class-validator ${slow}, compiled ${fast}) on ${JSON.stringify(value)}`);
}

const mutations: [string, (r: any) => void][] = [
  ['bad uuid', (r) => (r.instance.uuid = 'x')],
  ['no flavor', (r) => delete r.instance.flavor],
  ['null flavor', (r) => (r.instance.flavor = null)],
  ['flavor as string', (r) => (r.instance.flavor = 'm1')],
  ['negative vcpus', (r) => (r.instance.flavor.vcpus = -1)],
  ['fractional memory', (r) => (r.instance.flavor.memoryMb = 1.5)],
  ['NaN disk', (r) => (r.instance.flavor.rootGb = NaN)],
  ['comma in name', (r) => (r.instance.name = 'a,b')],
  ['huge name', (r) => (r.instance.name = 'a'.repeat(10_000))],
  ['bad mac', (r) => (r.networkInfo[0].address = 'zz')],
  ['vif list not array', (r) => (r.networkInfo = { 0: r.networkInfo[0] })],
  ['vif null', (r) => (r.networkInfo = [null])],
  ['bad ip in subnet', (r) => (r.networkInfo[0].network.subnets[0].ips = ['300.1.1.1'])],
  ['traversal path', (r) => (r.injectedFiles[0].path = '/../etc/shadow')],
  ['not base64', (r) => (r.injectedFiles[0].contents = '!!')],
  ['powerOn string', (r) => (r.powerOn = 'yes')],
  ['bad disk format', (r) => (r.imageMeta.diskFormat = 'exe')],
  ['missing imageMeta', (r) => delete r.imageMeta],
  ['unknown extra field', (r) => (r.extra = 1)],
  ['nothing changed', () => undefined],
];

describe('compiled validator', () => {
  it.each(mutations)('agrees with class-validator: %s', (_name, mutate) => {
    const req = structuredClone(spawn);
    mutate(req);
    agree(SpawnRequest, req);
  });

  it('agrees on requests with enums and bounds', () => {
    for (const rebootType of ['SOFT', 'HARD', 'soft', '', undefined]) agree(RebootRequest, { instance: { uuid: UUID }, rebootType });
    for (const timeoutSec of [0, 1, 86400, 86401, -1, 1.5, '3', null]) agree(PowerOffRequest, { instance: { uuid: UUID }, timeoutSec });
  });

  it('lets validateRequest return the caller object on the fast path and explain failures', () => {
    const ok = structuredClone(spawn);
    const copy = validateRequest(SpawnRequest, ok, 'spawn');
    expect(copy).toEqual(ok);
    expect(copy).not.toBe(ok); // a copy: later changes to the caller's object cannot reach the driver
    const bad = structuredClone(spawn);
    bad.instance.flavor.vcpus = -1;
    expect(() => validateRequest(SpawnRequest, bad, 'spawn')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', paths: ['instance.flavor.vcpus'] }));
  });
});

describe('request shapes both validators refuse', () => {
  it.each([
    ['an array as the instance', { instance: [], imageMeta: {} }],
    ['an array as the flavor', { instance: { uuid: UUID, flavor: [] }, imageMeta: {} }],
    ['an array holding the instance', { instance: [{ uuid: UUID, flavor: spawn.instance.flavor }], imageMeta: {} }],
    ['an inherited instance', Object.create({ instance: spawn.instance, imageMeta: {} })],
  ])('%s is VALIDATION_FAILED', (_what, req) => {
    expect(compileValidator(SpawnRequest)!(req as Record<string, unknown>)).toBeUndefined();
    expect(() => validateRequest(SpawnRequest, req, 'spawn')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('ignores non-enumerable properties, as class-validator does', () => {
    const req = {};
    Object.defineProperty(req, 'instance', { value: { uuid: UUID }, enumerable: false });
    expect(() => validateRequest(PowerOffRequest, req, 'powerOff')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('returns a copy that later changes to the caller object do not reach', () => {
    const req = { instance: { uuid: UUID }, timeoutSec: 5, extra: 'dropped' };
    const valid = validateRequest(PowerOffRequest, req, 'powerOff') as Record<string, any>;
    req.instance.uuid = '../../etc/passwd';
    expect(valid.instance.uuid).toBe(UUID);
    expect(valid.extra).toBeUndefined();
  });
});
