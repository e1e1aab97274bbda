import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SpawnRequest, RebootRequest, PowerOffRequest, RebuildRequest } from '../capabilities/lifecycle/requests.js';
import { SpawnInstance } from '../model/instance.js';
import { UpdateProviderTreeRequest } from '../capabilities/inventory/requests.js';
import { Network, Subnet, Vif } from '../model/network-info.js';
import { ProviderTree } from '../provider-tree/index.js';
import { compileValidator, mayCarryCallbacks, nestedClassOf } from './compiled-validator.js';
import { validateRequest } from './validate-request.js';

/** An error with these fields (jest's asymmetric matcher, which `toThrow` accepts in place of an error). */
const matching = (fields: object): Error => expect.objectContaining(fields) as Error;

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const spawn = {
  instance: {
    uuid: UUID,
    name: 'vm-1',
    flavor: { name: 'm1', vcpus: 2, memoryMb: 512, rootGb: 1 },
    metadata: { a: 'b' },
  },
  imageMeta: { diskFormat: 'qcow2', properties: { x: 'y' } },
  networkInfo: [
    {
      id: 'p1',
      address: '52:54:00:12:34:56',
      type: 'user',
      network: { id: 'n1', subnets: [{ cidr: '10.0.0.0/24', ips: ['10.0.0.5'] }] },
    },
  ],
  injectedFiles: [{ path: '/etc/motd', contents: 'aGVsbG8=' }],
  powerOn: false,
};

/** Every variant class-validator accepts, the compiled check accepts, and the other way round. */
function agree(cls: new () => object, value: Record<string, unknown>): void {
  const slow = validateSync(plainToInstance(cls as never, value) as object, { forbidUnknownValues: true }).length === 0;
  const fast = compileValidator(cls)!(value) !== undefined;
  if (slow !== fast)
    throw new Error(`disagree (class-validator ${slow}, compiled ${fast}) on ${JSON.stringify(value)}`);
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
    for (const rebootType of ['SOFT', 'HARD', 'soft', '', undefined])
      agree(RebootRequest, { instance: { uuid: UUID }, rebootType });
    for (const timeoutSec of [0, 1, 86400, 86401, -1, 1.5, '3', null])
      agree(PowerOffRequest, { instance: { uuid: UUID }, timeoutSec });
  });

  it('lets validateRequest return the caller object on the fast path and explain failures', () => {
    const ok = structuredClone(spawn);
    const copy = validateRequest(SpawnRequest, ok, 'spawn');
    expect(copy).toEqual(ok);
    expect(copy).not.toBe(ok); // a copy: later changes to the caller's object cannot reach the driver
    const bad = structuredClone(spawn);
    bad.instance.flavor.vcpus = -1;
    expect(() => validateRequest(SpawnRequest, bad, 'spawn')).toThrow(
      matching({ code: 'VALIDATION_FAILED', paths: ['instance.flavor.vcpus'] }),
    );
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
    expect(() => validateRequest(SpawnRequest, req, 'spawn')).toThrow(matching({ code: 'VALIDATION_FAILED' }));
  });

  it('ignores non-enumerable properties, as class-validator does', () => {
    const req = {};
    Object.defineProperty(req, 'instance', { value: { uuid: UUID }, enumerable: false });
    expect(() => validateRequest(PowerOffRequest, req, 'powerOff')).toThrow(matching({ code: 'VALIDATION_FAILED' }));
  });

  it('returns a copy that later changes to the caller object do not reach', () => {
    const req = { instance: { uuid: UUID }, timeoutSec: 5, extra: 'dropped' };
    const valid = validateRequest(PowerOffRequest, req, 'powerOff') as Record<string, any>;
    req.instance.uuid = '../../etc/passwd';
    expect(valid.instance.uuid).toBe(UUID);
    expect(valid.extra).toBeUndefined();
  });
});

// Issue 11: the compiler learns `@Type(() => X)` through class-transformer's public API (plainToInstance), not its
// internal metadata storage. If a class-transformer release changes what plainToInstance makes of a declared
// nested field, these fail here, loudly, instead of every nested request silently taking the slow path.
describe("nested classes, found through class-transformer's public API", () => {
  it('finds the class of a nested field and of each element of a nested list', () => {
    expect(nestedClassOf(SpawnRequest, 'instance', false)).toBe(SpawnInstance);
    expect(nestedClassOf(SpawnRequest, 'networkInfo', true)).toBe(Vif);
    expect(nestedClassOf(Vif, 'network', false)).toBe(Network);
    expect(nestedClassOf(Network, 'subnets', true)).toBe(Subnet);
  });

  it('finds no class where none is declared', () => {
    expect(nestedClassOf(PowerOffRequest, 'timeoutSec', false)).toBeUndefined();
  });

  it('compiles nested requests (no fallback to class-validator) and copies nested fields field by field', () => {
    const check = compileValidator(SpawnRequest);
    expect(check).toBeDefined();
    const copy = check!(structuredClone(spawn)) as any;
    expect(copy.networkInfo[0].network.subnets[0].ips).toEqual(['10.0.0.5']);
  });

  it('hands `@Transform(same object)` fields through by reference (provider trees, allocations)', () => {
    const allocations = { rp: { resources: { VCPU: 1 } } };
    const providerTree = new ProviderTree();
    const copy = compileValidator(UpdateProviderTreeRequest)!({ nodename: 'node-1', providerTree, allocations });
    expect(copy?.providerTree).toBe(providerTree);
    expect(copy?.allocations).toBe(allocations);
  });

  it('knows which request classes can carry an orchestrator callback', () => {
    expect(mayCarryCallbacks(RebuildRequest)).toBe(true); // detachBlockDevices / attachBlockDevices
    expect(mayCarryCallbacks(PowerOffRequest)).toBe(false);
    expect(mayCarryCallbacks(SpawnRequest)).toBe(false);
  });
});
