import { CAPABILITY_NAMES, type CapabilityMap } from '@virtkit/core';
import { describeConformance, type TestApi } from '@virtkit/conformance';
import { TinyDriver } from './helpers/tiny-driver';

/** A TestApi that records what the adapter registers; describe bodies run at once, as in jest. */
function fakeApi(): TestApi & {
  describes: string[];
  its: { name: string; fn: () => Promise<void>; timeout?: number }[];
  skips: string[];
} {
  const api = {
    describes: [] as string[],
    its: [] as { name: string; fn: () => Promise<void>; timeout?: number }[],
    skips: [] as string[],
    describe(name: string, fn: () => void) {
      api.describes.push(name);
      fn();
    },
    it(name: string, fn: () => Promise<void>, timeout?: number) {
      api.its.push({ name, fn, timeout });
    },
    skip(name: string) {
      api.skips.push(name);
    },
  };
  return api;
}

describe('describeConformance', () => {
  it('registers one describe per capability and one test per planned test, which pass on a correct driver', async () => {
    const api = fakeApi();
    describeConformance(
      { factory: () => new TinyDriver({ hostname: 'tiny-host' }), only: ['lifecycle', 'lifecycle.pause', 'volume'] },
      api,
    );
    expect(api.describes).toEqual(['virtkit conformance: tiny', 'core', 'lifecycle', 'lifecycle.pause', 'volume']);
    expect(api.its.map((t) => t.name)).toContain('pause and unpause, both ways');
    expect(api.its.map((t) => t.name)).toContain('not advertised: 3 call(s) answer NOT_SUPPORTED');
    // only tests about what the tiny driver lacks (attachments, inventory) are skipped
    expect(
      api.skips.filter(
        (n) =>
          !/\[skipped: needs (one of )?(volume|inventory|network)|\[UNVERIFIED: the driver's kit fixtures cannot make it fail/.test(
            n,
          ),
      ),
    ).toEqual([]);
    // the test's 30 s, 2 s for it to stop after a timeout, seven bounded phases around it (30 s each), 10 s of margin
    expect(api.its.every((t) => t.timeout === 252_000)).toBe(true);
    for (const t of api.its) await t.fn();
  });

  it("registers a failing driver's tests so that they throw the kit's reason", async () => {
    class NoopPause extends TinyDriver {
      protected override async _pause(): Promise<void> {}
    }
    const api = fakeApi();
    describeConformance({ factory: () => new NoopPause(), only: ['lifecycle.pause'] }, api);
    const test = api.its.find((t) => t.name === 'pause and unpause, both ways')!;
    await expect(test.fn()).rejects.toThrow(/expected state PAUSED, getInfo says RUNNING/);
  });

  it('shows skip reasons in the names of skipped tests: --skip, missing capability, fixture and feature', () => {
    const probe = new TinyDriver();
    const capabilities = Object.fromEntries(
      CAPABILITY_NAMES.map((c) => [c, ['lifecycle', 'volume', 'migration.cold', 'migration.live'].includes(c)]),
    );
    const map = { ...probe.capabilities, capabilities } as unknown as CapabilityMap;
    const api = fakeApi();
    describeConformance(
      {
        factory: () => new TinyDriver(),
        map,
        only: ['volume', 'migration.cold', 'migration.live', 'lifecycle.pause'],
        skip: ['lifecycle.pause'],
      },
      api,
    );
    const reasons = api.skips.map((s) => /\[skipped: (.*)\]$/.exec(s)?.[1]);
    expect(reasons.every((r) => r !== undefined)).toBe(true);
    expect(reasons).toContain('skipped by --skip');
    expect(reasons).toContain("needs fixture createVolume, which the driver's kit fixtures do not provide");
    expect(reasons).toContain("needs fixture createMigrationPair, which the driver's kit fixtures do not provide");
    expect(reasons).toContain("needs feature sameHostMigration, which the driver does not declare 'supported'");
    expect(reasons).toContain('needs lifecycle.suspend, which the driver does not advertise');
    expect(api.skips).toContain(
      'attach and detach while PAUSED: attaching again as asked changes nothing, detach frees the volume [skipped: needs lifecycle.pause, which the driver does not advertise]',
    );
  });

  it('plans at collection time: an async factory without a map is refused', () => {
    expect(() => describeConformance({ factory: async () => new TinyDriver() }, fakeApi())).toThrow(
      /synchronous factory/,
    );
  });
});
