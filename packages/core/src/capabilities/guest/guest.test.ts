import 'reflect-metadata';
import { PowerState } from '../../model/power-state.js';
import { withGuestFiles, withGuestMetadata, withGuestPassword, withGuestQuiesce } from './index.js';
import type { SetAdminPasswordRequest } from './index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
const instance = { uuid: UUID };
const SECRET = 'Tr0ub4dor&3-horse-battery';

class TinyBase extends MapTestDriver {
  override states = new Map<string, PowerState>([[UUID, PowerState.RUNNING]]);
}

class GuestDriver extends withGuestQuiesce(withGuestMetadata(withGuestFiles(withGuestPassword(TinyBase)))) {
  static override driverName = 'guest';
  failWith: unknown = undefined;
  protected async _setAdminPassword(_c: unknown, r: SetAdminPasswordRequest) {
    if (this.failWith) throw this.failWith;
    this.calls.push(`password:${r.newPassword.length}`);
  }
  protected async _injectFile(_c: unknown, r: { path: string }) {
    this.calls.push(`file:${r.path}`);
  }
  protected async _changeInstanceMetadata() {
    this.calls.push('metadata');
  }
  protected async _quiesce() {
    this.calls.push('quiesce');
  }
  protected async _unquiesce() {
    this.calls.push('unquiesce');
  }
}

class PasswordOnly extends withGuestPassword(TinyBase) {
  protected async _setAdminPassword() {}
}

describe('guest family', () => {
  it('advertises the applied guest capabilities and refuses the others', async () => {
    const caps = new GuestDriver().capabilities.capabilities;
    expect([caps['guest.password'], caps['guest.files'], caps['guest.metadata'], caps['guest.quiesce']]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const d = new PasswordOnly() as any;
    expect(d.capabilities.capabilities['guest.quiesce']).toBe(false);
    await expect(d.quiesce(ctx, { instance, imageMeta: {} })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'guest.quiesce',
    });
    await expect(d.injectFile(ctx, { instance, path: '/a', contents: '' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
  });

  it('sets the password only in RUNNING', async () => {
    const d = new GuestDriver();
    await d.setAdminPassword(ctx, { instance, newPassword: SECRET });
    d.states.set(UUID, PowerState.SHUTDOWN);
    const err = await d.setAdminPassword(ctx, { instance, newPassword: SECRET }).catch((e) => e);
    expect(err.code).toBe('INVALID_STATE');
    expect(d.calls).toEqual([`password:${SECRET.length}`]);
  });

  it('never lets the password appear in errors', async () => {
    const d = new GuestDriver();
    const leaks = (e: any) =>
      [e.message, e.stack, JSON.stringify(e), String(e.cause ?? '')].some((s) => String(s).includes(SECRET));
    d.failWith = new Error(`agent refused: chpasswd root:${SECRET}`);
    const plain = await d.setAdminPassword(ctx, { instance, newPassword: SECRET }).catch((e) => e);
    expect(plain.code).toBe('DRIVER_ERROR');
    expect(leaks(plain)).toBe(false);
    d.failWith = Object.assign(new Error('agent timeout', { cause: new Error(`echo ${SECRET}`) }), {
      code: 'TIMEOUT',
      name: 'TimeoutError',
    });
    const nested = await d.setAdminPassword(ctx, { instance, newPassword: SECRET }).catch((e) => e);
    expect(nested.code).toBe('TIMEOUT');
    expect(leaks(nested)).toBe(false);
    d.failWith = Object.assign(new Error('agent exited 1'), { stderr: `bad password ${SECRET}` });
    expect(leaks(await d.setAdminPassword(ctx, { instance, newPassword: SECRET }).catch((e) => e))).toBe(false);
    const long = `${SECRET}${'x'.repeat(300)}`;
    const invalid = await d.setAdminPassword(ctx, { instance, newPassword: long }).catch((e) => e);
    expect(invalid.code).toBe('VALIDATION_FAILED');
    expect(invalid.paths).toEqual(['newPassword']);
    expect(leaks(invalid)).toBe(false);
  });

  it('keeps errors that do not mention the password as they are', async () => {
    const d = new GuestDriver();
    d.failWith = Object.assign(new Error('no agent'), { code: 'INVALID_STATE', name: 'InvalidStateError' });
    await expect(d.setAdminPassword(ctx, { instance, newPassword: SECRET })).rejects.toBe(d.failWith);
  });

  it('validates guest paths of injectFile', async () => {
    const d = new GuestDriver();
    for (const path of ['etc/motd', '/etc/../shadow', '/..', '/../etc/shadow', '/a/\n/../b', '/a/\0b']) {
      const err = await d.injectFile(ctx, { instance, path, contents: 'aGk=' }).catch((e) => e);
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.paths).toEqual(['path']);
    }
    const b64 = await d.injectFile(ctx, { instance, path: '/etc/motd', contents: 'not base64!' }).catch((e) => e);
    expect(b64.paths).toEqual(['contents']);
    await d.injectFile(ctx, { instance, path: '/etc/motd', contents: 'aGk=' });
    d.states.set(UUID, PowerState.PAUSED);
    await expect(d.injectFile(ctx, { instance, path: '/etc/motd', contents: 'aGk=' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(d.calls).toEqual(['file:/etc/motd']);
  });

  it('applies metadata diffs in any state, skipping empty ones', async () => {
    const d = new GuestDriver();
    d.states.set(UUID, PowerState.SHUTDOWN);
    await d.changeInstanceMetadata(ctx, { instance, diff: {} });
    await d.changeInstanceMetadata(ctx, { instance, diff: { set: {}, remove: [] } });
    await d.changeInstanceMetadata(ctx, {
      instance: { ...instance, metadata: { role: 'db' } },
      diff: { set: { role: 'db' }, remove: ['old'] },
    });
    expect(d.calls).toEqual(['metadata']);
    const both = await d
      .changeInstanceMetadata(ctx, { instance, diff: { set: { a: '1' }, remove: ['a'] } })
      .catch((e) => e);
    expect(both.code).toBe('VALIDATION_FAILED');
    expect(both.paths).toEqual(['diff.remove']);
    const bad = await (d as any)
      .changeInstanceMetadata(ctx, { instance, diff: { set: { a: 1 } } })
      .catch((e: any) => e);
    expect(bad.paths).toEqual(['diff.set']);
    const missing = await (d as any).changeInstanceMetadata(ctx, { instance }).catch((e: any) => e);
    expect(missing.paths).toEqual(['diff']);
  });

  it('quiesces and unquiesces only a running guest', async () => {
    const d = new GuestDriver();
    await d.quiesce(ctx, { instance, imageMeta: { properties: { hw_qemu_guest_agent: 'yes' } } });
    await d.unquiesce(ctx, { instance, imageMeta: {} });
    d.states.set(UUID, PowerState.PAUSED);
    await expect(d.quiesce(ctx, { instance, imageMeta: {} })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const missing = await (d as any).quiesce(ctx, { instance }).catch((e: any) => e);
    expect(missing.code).toBe('VALIDATION_FAILED');
    expect(missing.paths).toEqual(['imageMeta']);
    expect(d.calls).toEqual(['quiesce', 'unquiesce']);
  });
});
