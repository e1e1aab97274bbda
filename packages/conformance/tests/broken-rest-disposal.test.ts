/**
 * The disposal check is exact: a timer or handle the driver leaves open is
 * found even when a resource of the same kind that existed before the test
 * ended meanwhile (per-kind counts alone would balance out), and a resource
 * made and ended within the test is not a leak.
 */
import { createServer } from 'node:net';
import { runConformance } from '@virtkit/conformance';
import type { HostRequest, OperationContext as Ctx } from '@virtkit/core';
import { createMemoryFixtures, MemoryDriver } from '@virtkit/memory';
import { handlesLeftOpen, openHandles } from '../src/kit/open-handles';

const stop: ReturnType<typeof setInterval>[] = [];
afterAll(() => stop.forEach((t) => clearInterval(t)));

/** A timer of the kit's that was armed before the driver was made; the driver's first initHost sees it end. */
let kitTimer: ReturnType<typeof setTimeout> | undefined;

/** initHost starts a timer nothing stops, while a timer of the same kind that existed before the test ends. */
class LeakBehindEndedTimer extends MemoryDriver {
  protected override async _initHost(c: Ctx, r: HostRequest): Promise<void> {
    await super._initHost(c, r);
    if (kitTimer !== undefined) clearTimeout(kitTimer);
    kitTimer = undefined;
    stop.push(setInterval(() => undefined, 60_000));
  }
}

describe('the disposal check (open handles)', () => {
  it('reports a timer left open while another timer that existed before ended (counts alone balance out)', async () => {
    const earlier = setTimeout(() => undefined, 60_000);
    const before = openHandles();
    clearTimeout(earlier);
    const leaked = setInterval(() => undefined, 60_000);
    stop.push(leaked);
    expect(await handlesLeftOpen(before, [], 100)).toEqual(['1 Timeout']);
    clearInterval(leaked);
  });

  it('does not report timers and handles made and ended within the window', async () => {
    const before = openHandles();
    const timer = setTimeout(() => undefined, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    clearTimeout(timer);
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    await new Promise((resolve) => server.close(resolve));
    expect(await handlesLeftOpen(before)).toEqual([]);
  });

  it('does not report an unref’d timer, nor a kind that is allowed', async () => {
    const before = openHandles();
    const quiet = setInterval(() => undefined, 60_000);
    quiet.unref();
    const allowed = setInterval(() => undefined, 60_000);
    try {
      expect(await handlesLeftOpen(before, ['Timeout'], 50)).toEqual([]);
    } finally {
      clearInterval(quiet);
      clearInterval(allowed);
    }
  });

  it('the kit fails the test whose driver leaked a timer while a timer of the kit ended', async () => {
    kitTimer = setTimeout(() => undefined, 60_000);
    const report = await runConformance({
      factory: (hostApi) => new LeakBehindEndedTimer({ hostname: 'kit', ...hostApi }),
      fixtures: createMemoryFixtures({ driverClass: LeakBehindEndedTimer }),
      only: [],
      modelBased: false,
    });
    const first = report.results.find((r) => r.capability === 'core');
    expect({ status: first?.status, reason: first?.reason }).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/left handles open after cleanupHost and dispose: 1 Timeout/),
    });
    expect(kitTimer).toBeUndefined();
  }, 60_000);
});
