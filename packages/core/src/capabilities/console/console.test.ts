import {
  DriverBase,
  DriverDefinitionError,
  NotFoundError,
  PowerState,
  withConsoleOutput,
  withConsolePool,
  withMksConsole,
  withRdpConsole,
  withSerialConsole,
  withSpiceConsole,
  withVncConsole,
} from '../../index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const OTHER = '0c2d9a4e-1b3f-4c5d-9e8f-7a6b5c4d3e2f';
const ctx = {};

class BaseTestDriver extends MapTestDriver {}

const Composed = withConsolePool(
  withMksConsole(
    withRdpConsole(withSerialConsole(withSpiceConsole(withVncConsole(withConsoleOutput(BaseTestDriver))))),
  ),
);

class ConsoleDriver extends Composed {
  static override driverName = 'console-test';
  protected async _getConsoleOutput() {
    this.calls.push('output');
    return { text: 'login:', truncated: false };
  }
  protected async _getVncConsole() {
    this.calls.push('vnc');
    return { kind: 'vnc' as const, host: '127.0.0.1', port: 5900 };
  }
  protected async _getSpiceConsole() {
    return { kind: 'spice' as const, host: '127.0.0.1', port: 5901, tlsPort: 5902 };
  }
  protected async _getRdpConsole() {
    return { kind: 'rdp' as const, host: '127.0.0.1', port: 3389 };
  }
  protected async _getSerialConsole() {
    return { kind: 'serial' as const, host: '127.0.0.1', port: 10000 };
  }
  protected async _getMksConsole() {
    return { kind: 'mks' as const, host: '127.0.0.1', port: 902, secret: 'ticket' };
  }
  protected async _getConsolePoolInfo(_c: unknown, r: { consoleType: string }) {
    if (r.consoleType !== 'vnc') throw new NotFoundError('console pool', r.consoleType);
    return { address: '10.0.0.1', username: 'u', password: 'p' };
  }
}

function driverWith(state: PowerState): ConsoleDriver {
  const d = new ConsoleDriver();
  d.states.set(UUID, state);
  return d;
}

const req = { instance: { uuid: UUID } };

describe('console family', () => {
  it('advertises exactly the applied capabilities', () => {
    const caps = new ConsoleDriver().capabilities.capabilities;
    for (const c of [
      'console.output',
      'console.vnc',
      'console.spice',
      'console.rdp',
      'console.serial',
      'console.mks',
      'console.pool',
    ] as const) {
      expect(caps[c]).toBe(true);
    }
    const bare = new BaseTestDriver().capabilities.capabilities;
    expect(bare['console.vnc']).toBe(false);
    expect(bare['console.pool']).toBe(false);
  });

  it('answers calls of unapplied capabilities with NOT_SUPPORTED', async () => {
    const d = new BaseTestDriver() as any;
    d.states.set(UUID, PowerState.RUNNING);
    await expect(d.getVncConsole(ctx, req)).rejects.toMatchObject({ code: 'NOT_SUPPORTED', capability: 'console.vnc' });
    await expect(d.getConsoleOutput(ctx, req)).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'console.output',
    });
    await expect(d.getConsolePoolInfo(ctx, { consoleType: 'vnc' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'console.pool',
    });
  });

  it('needs lifecycle for instance consoles, but not for the pool', () => {
    expect(() => withVncConsole(DriverBase)).toThrow(DriverDefinitionError);
    expect(() => withConsolePool(DriverBase)).not.toThrow();
  });

  it('returns typed connection info from a live instance', async () => {
    for (const state of [PowerState.RUNNING, PowerState.PAUSED]) {
      const d = driverWith(state);
      await expect(d.getVncConsole(ctx, req)).resolves.toEqual({ kind: 'vnc', host: '127.0.0.1', port: 5900 });
      await expect(d.getSpiceConsole(ctx, req)).resolves.toMatchObject({ kind: 'spice', tlsPort: 5902 });
      await expect(d.getRdpConsole(ctx, req)).resolves.toMatchObject({ kind: 'rdp' });
      await expect(d.getSerialConsole(ctx, req)).resolves.toMatchObject({ kind: 'serial' });
      await expect(d.getMksConsole(ctx, req)).resolves.toMatchObject({ kind: 'mks' });
    }
  });

  it('refuses consoles of a guest that is not live with INVALID_STATE, without calling the driver', async () => {
    for (const state of [PowerState.SHUTDOWN, PowerState.CRASHED, PowerState.SUSPENDED, PowerState.NOSTATE]) {
      const d = driverWith(state);
      await expect(d.getVncConsole(ctx, req)).rejects.toMatchObject({ code: 'INVALID_STATE' });
      await expect(d.getSerialConsole(ctx, req)).rejects.toMatchObject({ code: 'INVALID_STATE' });
      expect(d.calls).toEqual([]);
    }
  });

  it('reads console output in any state, and needs the instance', async () => {
    const d = driverWith(PowerState.SHUTDOWN);
    await expect(d.getConsoleOutput(ctx, req)).resolves.toEqual({ text: 'login:', truncated: false });
    await expect(d.getConsoleOutput(ctx, { instance: { uuid: OTHER } })).rejects.toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
    });
    await expect(d.getVncConsole(ctx, { instance: { uuid: OTHER } })).rejects.toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
    });
    expect(d.calls).toEqual(['output']);
  });

  it('validates requests with field paths', async () => {
    const d = driverWith(PowerState.RUNNING);
    await expect(d.getVncConsole(ctx, { instance: { uuid: 'nope' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['instance.uuid'],
    });
    await expect(d.getConsolePoolInfo(ctx, { consoleType: '../vnc' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['consoleType'],
    });
    expect(d.calls).toEqual([]);
  });

  it('keeps the deprecated console pool working', async () => {
    const d = new ConsoleDriver();
    await expect(d.getConsolePoolInfo(ctx, { consoleType: 'vnc' })).resolves.toEqual({
      address: '10.0.0.1',
      username: 'u',
      password: 'p',
    });
    await expect(d.getConsolePoolInfo(ctx, { consoleType: 'spice' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
