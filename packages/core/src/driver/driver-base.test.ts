import {
  DriverBase,
  PowerState,
  withLifecycle,
  withPause,
  type InstanceInfo,
  type LifecycleEvent,
  NotSupportedError,
  DriverDefinitionError,
} from '../index.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};

class TinyDriver extends withPause(withLifecycle(DriverBase)) {
  static override driverName = 'tiny';
  states = new Map<string, PowerState>();
  pauseCalls = 0;
  protected async _initHost() {}
  protected async _getInfo(_c: unknown, r: { instance: { uuid: string } }): Promise<InstanceInfo> {
    const s = this.states.get(r.instance.uuid);
    if (s === undefined)
      throw Object.assign(new Error('x'), { code: 'INSTANCE_NOT_FOUND', name: 'InstanceNotFoundError' });
    return { state: s };
  }
  protected async _listInstances() {
    return [...this.states.keys()].map((uuid) => ({ uuid, name: uuid }));
  }
  protected async _getAvailableNodes() {
    return ['n1'];
  }
  protected async _getHostIp() {
    return '127.0.0.1';
  }
  protected async _spawn(_c: unknown, r: { instance: { uuid: string }; powerOn?: boolean }) {
    this.states.set(r.instance.uuid, r.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING);
  }
  protected async _destroy(_c: unknown, r: { instance: { uuid: string } }) {
    this.states.delete(r.instance.uuid);
  }
  protected async _reboot() {}
  protected async _powerOff(_c: unknown, r: { instance: { uuid: string } }) {
    this.states.set(r.instance.uuid, PowerState.SHUTDOWN);
  }
  protected async _powerOn(_c: unknown, r: { instance: { uuid: string } }) {
    this.states.set(r.instance.uuid, PowerState.RUNNING);
  }
  protected async _pause(_c: unknown, r: { instance: { uuid: string } }) {
    this.pauseCalls++;
    this.states.set(r.instance.uuid, PowerState.PAUSED);
  }
  protected async _unpause(_c: unknown, r: { instance: { uuid: string } }) {
    this.states.set(r.instance.uuid, PowerState.RUNNING);
  }
}

const spawnReq = { instance: { uuid: UUID, flavor: { name: 'm1', vcpus: 1, memoryMb: 64, rootGb: 1 } }, imageMeta: {} };

describe('DriverBase composition', () => {
  it('derives the capability map from the applied mixins and freezes it', () => {
    const d = new TinyDriver();
    expect(d.capabilities.capabilities.lifecycle).toBe(true);
    expect(d.capabilities.capabilities['lifecycle.pause']).toBe(true);
    expect(d.capabilities.capabilities['volume.extend']).toBe(false);
    expect(Object.isFrozen(d.capabilities)).toBe(true);
    expect(Object.isFrozen(d.capabilities.capabilities)).toBe(true);
    expect(d.capabilities.driver.name).toBe('tiny');
  });

  it('answers unadvertised calls with NOT_SUPPORTED', async () => {
    // A call of a capability the class does not compose: not in its type, answered at run time.
    const d = new TinyDriver() as unknown as { extendVolume(c: object, r: object): Promise<void> };
    await expect(d.extendVolume(ctx, {})).rejects.toBeInstanceOf(NotSupportedError);
    await expect(d.extendVolume(ctx, {})).rejects.toMatchObject({ code: 'NOT_SUPPORTED', capability: 'volume.extend' });
  });

  it('refuses a JS driver that misses a hook at construction', () => {
    // A JS class: no compiler checks its hooks.
    const Broken = class extends (withPause(withLifecycle(DriverBase)) as unknown as new () => object) {};
    expect(() => new Broken()).toThrow(DriverDefinitionError);
  });

  it('refuses a capability applied before its prerequisite', () => {
    expect(() => withPause(DriverBase)).toThrow(DriverDefinitionError);
  });

  it('makes calls idempotent toward the target state and refuses impossible ones', async () => {
    const d = new TinyDriver();
    await d.spawn(ctx, spawnReq);
    await d.unpause(ctx, { instance: { uuid: UUID } }); // running already: nothing happens
    await d.pause(ctx, { instance: { uuid: UUID } });
    await d.pause(ctx, { instance: { uuid: UUID } });
    expect(d.pauseCalls).toBe(1);
    await d.unpause(ctx, { instance: { uuid: UUID } });
    await d.powerOff(ctx, { instance: { uuid: UUID } });
    await expect(d.pause(ctx, { instance: { uuid: UUID } })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await d.getInfo(ctx, { instance: { uuid: UUID } })).state).toBe(PowerState.SHUTDOWN);
  });

  it('emits one event per change, in order, isolating throwing listeners', async () => {
    const d = new TinyDriver();
    const seen: LifecycleEvent[] = [];
    d.on('lifecycle', () => {
      throw new Error('bad listener');
    });
    d.on('lifecycle', (e) => seen.push(e));
    await d.spawn(ctx, spawnReq);
    await d.pause(ctx, { instance: { uuid: UUID } });
    await d.unpause(ctx, { instance: { uuid: UUID } });
    await d.powerOff(ctx, { instance: { uuid: UUID } });
    await d.destroy(ctx, { instance: { uuid: UUID } });
    expect(seen.map((e) => e.transition)).toEqual(['STARTED', 'PAUSED', 'RESUMED', 'STOPPED', 'DELETED']);
    expect(seen.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('validates requests and changes nothing on bad input', async () => {
    const d = new TinyDriver();
    const err = (await d
      .spawn(ctx, { ...spawnReq, instance: { ...spawnReq.instance, uuid: 'nope' } })
      .catch((e: unknown) => e)) as { code: string; paths: string[] };
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.paths).toContain('instance.uuid');
    expect(d.states.size).toBe(0);
  });

  it('spawning the same uuid again: the same request succeeds (#18), another is INSTANCE_EXISTS', async () => {
    const d = new TinyDriver();
    await d.spawn(ctx, spawnReq);
    await d.spawn(ctx, spawnReq);
    await expect(
      d.spawn(ctx, {
        ...spawnReq,
        instance: { ...spawnReq.instance, flavor: { ...spawnReq.instance.flavor, vcpus: 9 } },
      }),
    ).rejects.toMatchObject({ code: 'INSTANCE_EXISTS' });
    await d.destroy(ctx, { instance: { uuid: UUID } });
    await expect(d.destroy(ctx, { instance: { uuid: UUID } })).resolves.toBeUndefined();
  });
});

describe('observations that a change overtook', () => {
  it('a slow getInfo that started before a power-off emits no stale transition', async () => {
    class SlowReads extends TinyDriver {
      protected override async _getInfo(c: unknown, r: { instance: { uuid: string } }): Promise<InstanceInfo> {
        const info = await super._getInfo(c, r); // the state is read now...
        await new Promise((res) => setTimeout(res, 30)); // ...and answered late
        return info;
      }
    }
    const d = new SlowReads();
    await d.spawn(ctx, spawnReq);
    const seen: string[] = [];
    d.on('lifecycle', (e) => seen.push(e.transition));
    const slow = d.getInfo(ctx, { instance: { uuid: UUID } });
    await d.powerOff(ctx, { instance: { uuid: UUID } });
    await slow; // answers RUNNING, read before the power-off
    await d.getInfo(ctx, { instance: { uuid: UUID } });
    expect(seen).toEqual(['STOPPED']);
  });
});

describe('secrets never reach error messages', () => {
  const SECRET = 'Sup3r"S3cret!';
  class Leaky extends TinyDriver {
    protected override async _spawn(
      _c: unknown,
      r: { instance: { uuid: string }; adminPassword?: string },
    ): Promise<void> {
      throw new Error(`qemu: -object secret,id=pw,data=${r.adminPassword}: invalid`, {
        cause: new Error(JSON.stringify({ pw: r.adminPassword })),
      });
    }
  }

  it('redacts the request secrets from a wrapped driver error and its cause', async () => {
    const d = new Leaky();
    const error = (await d.spawn(ctx, { ...spawnReq, adminPassword: SECRET }).catch((e: unknown) => e)) as Error & {
      code: string;
      cause?: { message?: string };
    };
    expect(error.code).toBe('DRIVER_ERROR');
    expect(error.message).not.toContain('S3cret');
    expect(String(error.cause?.message)).not.toContain('S3cret');
    expect(error.message).toContain('[redacted]');
  });
});
