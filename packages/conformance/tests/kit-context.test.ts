import { InstanceNotFoundError, PowerState, type OperationContext } from '@virtkit/core';
import {
  inStates,
  runPlannedTest,
  spawnIn,
  type ConformanceFixtures,
  type KitContext,
  type PlannedTest,
} from '@virtkit/conformance';
import { TinyDriver, type Req } from './helpers/tiny-driver';

/** Destroy forgets nothing: the guest stays listed. */
class LeakyDriver extends TinyDriver {
  protected override async _destroy(_c: OperationContext, r: Req): Promise<void> {
    if (!this.guests.has(r.instance.uuid)) throw new InstanceNotFoundError(r.instance.uuid);
  }
}

function planned(run: (kit: KitContext) => Promise<void>): PlannedTest {
  return { capability: 'migration.live', kind: 'behaviour', test: { name: 'kit-context test', run } };
}

/** A migration-pair fixture whose release records what each host still lists at that moment. */
function pairFixture(destination: TinyDriver = new TinyDriver({ hostname: 'dst' })) {
  const source = new TinyDriver({ hostname: 'src' });
  const atRelease: number[][] = [];
  const fixtures: ConformanceFixtures = {
    createMigrationPair: async () => ({
      source,
      destination,
      destinationHost: 'dst',
      release: async () => void atRelease.push([source.guests.size, destination.guests.size]),
    }),
  };
  return { source, destination, atRelease, fixtures };
}

describe('KitContext and the runner with a migration pair', () => {
  it('destroys what a test spawned on both hosts, then releases the pair', async () => {
    const { source, destination, atRelease, fixtures } = pairFixture();
    const result = await runPlannedTest(
      planned(async (kit) => {
        const pair = await kit.migrationPair();
        expect(pair).toMatchObject({ sourceHost: 'src', destinationHost: 'dst' });
        await kit.spawn({}, pair.source);
        await kit.spawn({}, pair.destination);
        expect(kit.drivers).toHaveLength(3);
      }),
      { factory: () => new TinyDriver(), fixtures },
    );
    expect(result).toMatchObject({ status: 'passed' });
    expect([source.guests.size, destination.guests.size]).toEqual([0, 0]);
    expect(atRelease).toEqual([[0, 0]]);
  });

  it('fails the test when the second host keeps an instance, naming that host, and still releases', async () => {
    const { atRelease, fixtures } = pairFixture(new LeakyDriver({ hostname: 'dst' }));
    const result = await runPlannedTest(
      planned(async (kit) => {
        const pair = await kit.migrationPair();
        await kit.spawn({}, pair.destination);
      }),
      { factory: () => new TinyDriver(), fixtures },
    );
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/left behind after destroy on host 'dst': 1 instance/);
    expect(atRelease).toHaveLength(1);
  });

  it('fails clearly when a test asks for a fixture the driver does not provide', async () => {
    const result = await runPlannedTest(
      planned(async (kit) => void (await kit.migrationPair())),
      { factory: () => new TinyDriver() },
    );
    expect(result).toMatchObject({ status: 'failed', reason: 'this test needs the createMigrationPair fixture' });
  });

  it('releases volumes after the instances are destroyed', async () => {
    const events: string[] = [];
    const driver = new TinyDriver();
    const fixtures: ConformanceFixtures = {
      createVolume: async (size) => {
        events.push(`create ${size}`);
        return {
          connectionInfo: { driverVolumeType: 'file', data: {}, volumeId: 'v1' },
          release: async () => void events.push(`release with ${driver.guests.size} guests`),
        };
      },
    };
    const result = await runPlannedTest(
      planned(async (kit) => {
        await kit.spawn();
        expect((await kit.volume(4096)).volumeId).toBe('v1');
      }),
      { factory: () => driver, fixtures },
    );
    expect(result.status).toBe('passed');
    expect(events).toEqual(['create 4096', 'release with 0 guests']);
  });
});

describe('lifecycle traits', () => {
  it('spawn an instance in each reachable state', async () => {
    const result = await runPlannedTest(
      planned(async (kit) => {
        expect(await kit.state(await spawnIn(kit, 'running'))).toBe(PowerState.RUNNING);
        expect(await kit.state(await spawnIn(kit, 'paused'))).toBe(PowerState.PAUSED);
        expect(await kit.state(await spawnIn(kit, 'stopped'))).toBe(PowerState.SHUTDOWN);
        await expect(spawnIn(kit, 'suspended')).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
      }),
      { factory: () => new TinyDriver() },
    );
    expect(result).toMatchObject({ status: 'passed' });
  });

  it('make one test per state, requiring what reaches the state', () => {
    const tests = inStates(['running', 'paused', 'suspended'], (t) => ({
      name: `x while ${t.label}`,
      requires: ['volume'],
      run: async () => undefined,
    }));
    expect(tests.map((t) => [t.name, t.requires])).toEqual([
      ['x while RUNNING', ['volume']],
      ['x while PAUSED', ['volume', 'lifecycle.pause']],
      ['x while SUSPENDED', ['volume', 'lifecycle.suspend']],
    ]);
  });
});
