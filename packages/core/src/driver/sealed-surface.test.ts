import {
  assertSealed,
  defineDriverClass,
  DriverBase,
  PowerState,
  SealedCallError,
  withLifecycle,
  withPause,
  withSuspend,
  type AbstractConstructor,
  type InstanceInfo,
} from '../index.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
/** An error with these fields (jest's asymmetric matcher, which `toThrow` accepts in place of an error). */
const matching = (fields: object): Error => expect.objectContaining(fields) as Error;

class HonestDriver extends withPause(withLifecycle(DriverBase)) {
  static override driverName = 'honest';
  protected async _initHost() {}
  protected async _getInfo(): Promise<InstanceInfo> {
    return { state: PowerState.RUNNING };
  }
  protected async _listInstances() {
    return [{ uuid: UUID, name: 'one' }];
  }
  protected async _getAvailableNodes() {
    return ['n1'];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
  protected async _spawn() {}
  protected async _destroy() {}
  protected async _reboot() {}
  protected async _powerOff() {}
  protected async _powerOn() {}
  protected async _pause() {}
  protected async _unpause() {}
}

/** Subclasses written in plain JS terms (the compile-time seal is tested in tests/types). */
const override = (member: string, where: 'prototype' | 'instance' = 'prototype'): typeof HonestDriver => {
  class Redefining extends HonestDriver {
    static override driverName = `redefines-${member}`;
    constructor(...args: ConstructorParameters<typeof HonestDriver>) {
      super(...args);
      if (where === 'instance') Object.defineProperty(this, member, { value: async () => 'bypassed' });
    }
  }
  if (where === 'prototype') Object.defineProperty(Redefining.prototype, member, { value: async () => 'bypassed' });
  return Redefining;
};

describe('the sealed surface', () => {
  it('accepts a driver that implements hooks only, including overriding a default hook', () => {
    class WithOwnHook extends HonestDriver {
      protected override async _networkBindingHostId(): Promise<string> {
        return 'custom';
      }
    }
    expect(() => assertSealed(WithOwnHook)).not.toThrow();
    expect(() => defineDriverClass(WithOwnHook).create({})).not.toThrow();
  });

  it.each([
    ['pause', '_pause'],
    ['getInfo', '_getInfo'],
    ['listInstances', '_listInstances'],
    ['countInstances', '_listInstances'],
    ['spawn', '_spawn'],
  ])('defineDriverClass refuses a class redefining %s, naming the hook %s', (call, hook) => {
    const cls = override(call);
    let error: unknown;
    try {
      defineDriverClass(cls);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SealedCallError);
    expect(error).toMatchObject({ code: 'DRIVER_DEFINITION', call, hook });
    expect((error as Error).message).toContain(`'${call}'`);
    expect((error as Error).message).toContain(`'${hook}'`);
  });

  it('refuses a call of a capability the class does not apply (it would bypass the guard, lie about the map)', () => {
    expect(() => assertSealed(override('suspend'))).toThrow(matching({ call: 'suspend', code: 'DRIVER_DEFINITION' }));
  });

  it('refuses a redefinition in a class between two mixins', () => {
    abstract class Middle extends withLifecycle(DriverBase) {
      // @ts-expect-error -- the compile-time seal refuses it too; this checks the run-time one
      async powerOn(): Promise<void> {}
    }
    abstract class Outer extends withSuspend(Middle as unknown as AbstractConstructor) {}
    expect(() => assertSealed(Outer)).toThrow(matching({ call: 'powerOn', hook: '_powerOn' }));
  });

  it('refuses a driver instance carrying a guarded call as an own property', () => {
    const cls = override('unpause', 'instance');
    expect(() => assertSealed(cls)).not.toThrow();
    expect(() => defineDriverClass(cls).create({})).toThrow(matching({ call: 'unpause', hook: '_unpause' }));
  });

  it('keeps `capabilities` read-only and non-configurable: assignment and defineProperty fail, change nothing', () => {
    const d = new HonestDriver();
    const before = d.capabilities;
    const forged = { ...before, capabilities: { ...before.capabilities, 'lifecycle.suspend': true } };
    expect(() => {
      (d as unknown as Record<string, unknown>).capabilities = forged;
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(d, 'capabilities', { value: forged })).toThrow(TypeError);
    expect(() => delete (d as unknown as Record<string, unknown>).capabilities).toThrow(TypeError);
    expect(Reflect.set(d, 'capabilities', forged)).toBe(false);
    expect(d.capabilities).toBe(before);
    expect(d.capabilities.capabilities['lifecycle.suspend']).toBe(false);
    expect(Object.getOwnPropertyDescriptor(d, 'capabilities')).toMatchObject({ writable: false, configurable: false });
  });

  it('refuses a subclass that declares its own capabilities field at construction', () => {
    class Forging extends HonestDriver {
      constructor() {
        super();
        (this as unknown as Record<string, unknown>).capabilities = {};
      }
    }
    expect(() => new Forging()).toThrow(TypeError);
  });
});
