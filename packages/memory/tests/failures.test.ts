import { ConflictError, DriverError, PowerState } from '@virtkit/core';
import { FailureInjector } from '@virtkit/memory';
import { codeOf, ctx, driver, events, ref, spawn, spawnRequest, state, vif, volume } from './helpers';

describe('failure injection', () => {
  it('the next call fails once, with the chosen code, and changes nothing', async () => {
    const d = driver();
    const uuid = await spawn(d);
    d.failures.failNext('pause', 'INSUFFICIENT_RESOURCES');
    expect(await codeOf(d.pause(ctx, ref(uuid)))).toBe('INSUFFICIENT_RESOURCES');
    expect(await state(d, uuid)).toBe(PowerState.RUNNING);
    await d.pause(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(PowerState.PAUSED);
  });

  it('always-fail lasts until cleared; errors may be given as instances or factories', async () => {
    const d = driver();
    const uuid = await spawn(d);
    d.failures.failAlways('getVncConsole', new ConflictError('console busy'));
    expect(await codeOf(d.getVncConsole(ctx, ref(uuid)))).toBe('CONFLICT');
    expect(await codeOf(d.getVncConsole(ctx, ref(uuid)))).toBe('CONFLICT');
    expect(d.failures.armed).toEqual(['getVncConsole']);
    d.failures.clear('getVncConsole');
    await d.getVncConsole(ctx, ref(uuid));
    d.failures.failNext('getHostIp', (point) => new DriverError(point, 'boom'), 2);
    expect(await codeOf(d.getHostIp(ctx))).toBe('DRIVER_ERROR');
    expect(await codeOf(d.getHostIp(ctx))).toBe('DRIVER_ERROR');
    expect(await d.getHostIp(ctx)).toBe('127.0.0.1');
    d.failures.failNext('getHostIp').failAlways('powerOff');
    d.failures.clear();
    expect(d.failures.armed).toEqual([]);
  });

  it.each(['spawn', 'spawn.boot'] as const)(
    'an injected %s failure leaves nothing behind: no instance, claim, volume, event',
    async (point) => {
      const d = driver();
      const seen = events(d);
      const vol = volume();
      d.failures.failNext(point, 'DRIVER_ERROR');
      const req = spawnRequest({
        networkInfo: [vif()],
        blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: vol }] },
      });
      expect(await codeOf(d.spawn(ctx, req))).toBe('DRIVER_ERROR');
      expect(await d.instanceExists(ctx, ref(req.instance.uuid))).toBe(false);
      expect(d.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
      expect(d.fabric.volumes.size).toBe(0);
      expect(seen).toEqual([]);
      await d.spawn(ctx, req);
      expect(await state(d, req.instance.uuid)).toBe(PowerState.RUNNING);
    },
  );

  it('cleanup of a failed spawn is never itself made to fail', async () => {
    const d = driver();
    d.failures.failNext('spawn.boot').failAlways('destroy');
    expect(await codeOf(spawn(d))).toBe('DRIVER_ERROR');
    expect(d.inspect().instances).toBe(0);
  });

  it('unknown points are refused; core calls can fail too', async () => {
    const d = driver();
    expect(() => d.failures.failNext('teleport' as never)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    d.failures.failNext('listInstances', 'TIMEOUT');
    expect(await codeOf(d.listInstances(ctx))).toBe('TIMEOUT');
    expect(new FailureInjector().armed).toEqual([]);
  });
});
