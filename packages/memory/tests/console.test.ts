import { codeOf, ctx, driver, ref, spawn } from './helpers';

describe('consoles', () => {
  it.each([
    ['getVncConsole', 'vnc'],
    ['getSpiceConsole', 'spice'],
    ['getRdpConsole', 'rdp'],
    ['getSerialConsole', 'serial'],
    ['getMksConsole', 'mks'],
  ])('%s: loopback connection info of kind %s with a fresh secret each time', async (call, kind) => {
    const d: any = driver();
    const uuid = await spawn(d);
    const first = await d[call](ctx, ref(uuid));
    const second = await d[call](ctx, ref(uuid));
    expect(first).toMatchObject({ kind, host: '127.0.0.1', port: expect.any(Number), secret: expect.any(String) });
    expect(first.port).toBeGreaterThan(1024);
    expect(first.port).toBeLessThan(65536);
    expect(second.port).toBe(first.port);
    expect(second.secret).not.toBe(first.secret);
    if (kind === 'spice') expect(first.tlsPort).toBeGreaterThan(first.port);
    await d.pause(ctx, ref(uuid));
    await d[call](ctx, ref(uuid));
    await d.powerOff(ctx, ref(uuid));
    expect(await codeOf(d[call](ctx, ref(uuid)))).toBe('INVALID_STATE');
  });

  it('instances get distinct console ports', async () => {
    const d = driver();
    const a = await d.getVncConsole(ctx, ref(await spawn(d)));
    const b = await d.getVncConsole(ctx, ref(await spawn(d)));
    expect(a.port).not.toBe(b.port);
  });

  it('console output tells what happened, in any state, bounded', async () => {
    const d = driver({ consoleOutputLimit: 512 });
    const uuid = await spawn(d);
    await d.powerOff(ctx, ref(uuid));
    let out = await d.getConsoleOutput(ctx, ref(uuid));
    expect(out.truncated).toBe(false);
    expect(out.text).toContain(uuid);
    expect(out.text).toMatch(/power off/);
    for (let i = 0; i < 40; i++) {
      await d.powerOn(ctx, ref(uuid));
      await d.powerOff(ctx, ref(uuid));
    }
    out = await d.getConsoleOutput(ctx, ref(uuid));
    expect(out.truncated).toBe(true);
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(512);
    expect(out.text.endsWith('power off\n')).toBe(true);
  });

  it('the (deprecated) console pool knows the console kinds only', async () => {
    const d = driver();
    expect(await d.getConsolePoolInfo(ctx, { consoleType: 'vnc' })).toMatchObject({
      address: '127.0.0.1',
      username: 'memory-vnc',
    });
    expect(await codeOf(d.getConsolePoolInfo(ctx, { consoleType: 'xvpvnc' }))).toBe('NOT_FOUND');
  });
});
