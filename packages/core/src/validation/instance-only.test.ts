import 'reflect-metadata';
import { InstanceRequest, FullInstanceRequest } from '../driver/core-requests.js';
import {
  DestroyRequest,
  PauseRequest,
  PowerOffRequest,
  PowerOnRequest,
  RebootRequest,
  SpawnRequest,
} from '../capabilities/lifecycle/requests.js';
import { ValidationError } from '../errors/errors.js';
import { compiledRequest } from './compiled-validator.js';
import { validateRequest } from './validate-request.js';

// Issue 16, sixth pass: `{ instance: { uuid } }` is answered before the full compiled check. Its answer must be the
// full check's on every input (same copy, same VALIDATION_FAILED issues), and it must read no value twice.
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

/** Builds a fresh input each time: getters and proxies may count or change between reads. */
type Make = () => unknown;

const withGetter = (key: string, get: () => unknown): object =>
  Object.defineProperty({}, key, { get, enumerable: true, configurable: true });

class Box {
  instance = { uuid: UUID };
}

const corpus: [string, Make][] = [
  ['valid', () => ({ instance: { uuid: UUID } })],
  ['upper-case uuid', () => ({ instance: { uuid: UUID.toUpperCase() } })],
  ['nil uuid', () => ({ instance: { uuid: '00000000-0000-0000-0000-000000000000' } })],
  ['max uuid', () => ({ instance: { uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff' } })],
  ['uuid of version 9', () => ({ instance: { uuid: '7b1c6f1e-2f3a-9b5c-8d9e-0a1b2c3d4e5f' } })],
  ['uuid with a newline', () => ({ instance: { uuid: `${UUID}\n` } })],
  ['uuid without hyphens', () => ({ instance: { uuid: UUID.replaceAll('-', '') } })],
  ['empty uuid', () => ({ instance: { uuid: '' } })],
  ['uuid a number', () => ({ instance: { uuid: 42 } })],
  ['uuid null', () => ({ instance: { uuid: null } })],
  ['uuid undefined', () => ({ instance: { uuid: undefined } })],
  ['uuid an object', () => ({ instance: { uuid: { toString: () => UUID } } })],
  ['uuid a boxed string', () => ({ instance: { uuid: new String(UUID) } })],
  ['uuid an array', () => ({ instance: { uuid: [UUID] } })],
  ['instance empty', () => ({ instance: {} })],
  ['instance null', () => ({ instance: null })],
  ['instance undefined', () => ({ instance: undefined })],
  ['instance a string', () => ({ instance: UUID })],
  ['instance an array', () => ({ instance: [{ uuid: UUID }] })],
  [
    'instance with a null prototype',
    () => ({ instance: Object.assign(Object.create(null) as object, { uuid: UUID }) }),
  ],
  [
    'instance a class instance',
    () => ({
      instance: new (class Ref {
        uuid = UUID;
      })(),
    }),
  ],
  ['instance a Map', () => ({ instance: new Map([['uuid', UUID]]) })],
  ['instance a Date', () => ({ instance: new Date() })],
  ['instance with an extra field', () => ({ instance: { uuid: UUID, extra: 1 } })],
  ['instance with a bad name', () => ({ instance: { uuid: UUID, name: 'a,b' } })],
  ['instance with a polluting key', () => ({ instance: JSON.parse(`{"uuid":"${UUID}","__proto__":{"x":1}}`) })],
  ['instance inherited uuid', () => ({ instance: Object.create({ uuid: UUID }) as object })],
  ['instance non-enumerable uuid', () => ({ instance: Object.defineProperty({}, 'uuid', { value: UUID }) })],
  ['no instance', () => ({})],
  ['an extra field', () => ({ instance: { uuid: UUID }, extra: 'dropped' })],
  ['a timeout', () => ({ instance: { uuid: UUID }, timeoutSec: 5 })],
  ['a bad timeout', () => ({ instance: { uuid: UUID }, timeoutSec: -1 })],
  ['a polluting key', () => JSON.parse(`{"instance":{"uuid":"${UUID}"},"__proto__":{"x":1}}`) as unknown],
  ['a constructor key', () => ({ instance: { uuid: UUID }, constructor: {} })],
  ['request with a null prototype', () => Object.assign(Object.create(null) as object, { instance: { uuid: UUID } })],
  ['request a class instance', () => new Box()],
  ['request inherited instance', () => Object.create({ instance: { uuid: UUID } }) as object],
  ['request non-enumerable instance', () => Object.defineProperty({}, 'instance', { value: { uuid: UUID } })],
  ['request an array', () => [{ instance: { uuid: UUID } }]],
  ['request a string', () => 'instance'],
  ['request null', () => null],
  ['request a number', () => 7],
  ['a symbol key beside', () => ({ instance: { uuid: UUID }, [Symbol('s')]: 1 })],
  [
    'instance behind a throwing getter',
    () =>
      withGetter('instance', () => {
        throw new Error('boom');
      }),
  ],
  [
    'uuid behind a throwing getter',
    () => ({
      instance: withGetter('uuid', () => {
        throw new Error('boom');
      }),
    }),
  ],
  ['instance behind a getter', () => withGetter('instance', () => ({ uuid: UUID }))],
  ['uuid behind a getter', () => ({ instance: withGetter('uuid', () => UUID) })],
  ['uuid behind a getter, bad', () => ({ instance: withGetter('uuid', () => 'nope') })],
  ['request a proxy', () => new Proxy({ instance: { uuid: UUID } }, {})],
  ['instance a proxy', () => ({ instance: new Proxy({ uuid: UUID }, {}) })],
  [
    'request a proxy whose keys trap throws',
    () =>
      new Proxy(
        { instance: { uuid: UUID } },
        {
          ownKeys: () => {
            throw new Error('boom');
          },
        },
      ),
  ],
  [
    'instance a proxy whose prototype trap throws',
    () => ({
      instance: new Proxy(
        { uuid: UUID },
        {
          getPrototypeOf: () => {
            throw new Error('boom');
          },
        },
      ),
    }),
  ],
  [
    'a revoked proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({ instance: { uuid: UUID } }, {});
      revoke();
      return proxy;
    },
  ],
];

const classes = [InstanceRequest, PowerOffRequest, PowerOnRequest, DestroyRequest, PauseRequest, FullInstanceRequest];

describe('the { instance: { uuid } } path of the compiled validator', () => {
  it.each(classes.map((c) => [c.name, c] as const))('answers as the full check does for %s', (_name, cls) => {
    const compiled = compiledRequest(cls)!;
    expect(compiled.run).not.toBe(compiled.full); // the shape is answered first for this class
    for (const [what, make] of corpus) {
      const quick = compiled.run(make());
      const full = compiled.full(make());
      try {
        expect(quick).toEqual(full);
        expect(Array.isArray(quick)).toBe(Array.isArray(full));
      } catch (error) {
        throw new Error(`${cls.name}, ${what}: ${String(error)}`);
      }
    }
  });

  it('fails with the same VALIDATION_FAILED details as the full check', () => {
    const uuidIssue = compiledRequest(InstanceRequest)!.full({ instance: { uuid: 'x' } });
    expect(Array.isArray(uuidIssue)).toBe(true);
    let thrown: unknown;
    try {
      validateRequest(InstanceRequest, { instance: { uuid: 'x' } }, 'getInfo');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual(uuidIssue);
    expect((thrown as ValidationError).paths).toEqual(['instance.uuid']);
  });

  it('returns an owned copy, not the caller object', () => {
    const req = { instance: { uuid: UUID } };
    const copy = validateRequest(PowerOffRequest, req, 'powerOff') as typeof req;
    expect(copy).toEqual(req);
    expect(copy).not.toBe(req);
    expect(copy.instance).not.toBe(req.instance);
  });

  it('reads each value once, also when it hands over to the full check', () => {
    const reads = { instance: 0, uuid: 0 };
    const counted = (uuid: unknown): object =>
      withGetter('instance', () => {
        reads.instance++;
        return withGetter('uuid', () => {
          reads.uuid++;
          return uuid;
        });
      });
    expect(validateRequest(InstanceRequest, counted(UUID), 'getInfo')).toEqual({ instance: { uuid: UUID } });
    expect(reads).toEqual({ instance: 1, uuid: 1 });
    expect(() => validateRequest(InstanceRequest, counted('not-a-uuid'), 'getInfo')).toThrow(ValidationError);
    expect(reads).toEqual({ instance: 2, uuid: 2 });
    // A getter answering a valid uuid once and garbage later cannot slip garbage past the check.
    let n = 0;
    const fickle = { instance: withGetter('uuid', () => (n++ === 0 ? UUID : '../../etc/passwd')) };
    expect(validateRequest(InstanceRequest, fickle, 'getInfo')).toEqual({ instance: { uuid: UUID } });
  });

  it('leaves classes that need more than the instance to the full check', () => {
    for (const cls of [SpawnRequest, RebootRequest]) {
      const compiled = compiledRequest(cls)!;
      expect(compiled.run).toBe(compiled.full);
    }
  });

  it('gives way to the full check when Object.prototype carries an enumerable key', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      const compiled = compiledRequest(InstanceRequest)!;
      expect(compiled.run({ instance: { uuid: UUID } })).toEqual(compiled.full({ instance: { uuid: UUID } }));
    } finally {
      delete proto.polluted;
    }
  });
});
