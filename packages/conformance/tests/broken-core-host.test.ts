/**
 * Broken variants of @virtkit/memory in the calls every driver has, its resource checks and its host calls (issue
 * #10, session 7: the tests written against the survivors of mutation testing in `memory-driver-core.ts`,
 * `resource-tracker.ts` and `capabilities/host.ts`). Each is one plausible bug away from the correct driver,
 * observable through public calls only, and must be caught by the kit test whose name says what was wrong; the
 * correct driver passes the same suites (no false alarm).
 */
import type {
  HostPowerActionRequest,
  ImageDiskFormat,
  InstanceInfo,
  InstanceRequest,
  OperationContext as Ctx,
  SpawnRequest,
} from '@virtkit/core';
import { MEMORY_IMAGE_TYPES, MemoryDriver } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, type BrokenDriver } from './broken/broken-driver';

/** The image types list one format twice (a list concatenated from two sources). */
class ImageTypeTwice extends MemoryDriver {
  static override imageTypes: readonly ImageDiskFormat[] = [...MEMORY_IMAGE_TYPES, 'raw'];
}

/** getInfo reports the flavor's memory as in use whatever the power state (the domain's configured size). */
class MemKbWhenStopped extends MemoryDriver {
  protected override _getInfo(c: Ctx, r: InstanceRequest): InstanceInfo {
    const info = super._getInfo(c, r);
    return { ...info, memKb: info.maxMemKb };
  }
}

/** A flavor with more vCPUs than the host holds is booted with the host's vCPUs instead of being refused. */
class ClampsVcpus extends MemoryDriver {
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    const flavor = r.instance.flavor;
    const vcpus = Math.min(flavor.vcpus, 64);
    await super._spawn(c, { ...r, instance: { ...r.instance, flavor: { ...flavor, vcpus } } });
  }
}

/** `startup` reboots the host even when it is running (its counters start again). */
class StartupReboots extends MemoryDriver {
  protected override async _hostPowerAction(c: Ctx, r: HostPowerActionRequest): Promise<void> {
    return super._hostPowerAction(c, r.action === 'startup' ? { ...r, action: 'reboot' } : r);
  }
}

const CORPUS: readonly Pick<BrokenDriver, 'bug' | 'Driver' | 'only' | 'caughtBy'>[] = [
  {
    bug: 'the advertised image types name one format twice',
    Driver: ImageTypeTwice,
    only: [],
    caughtBy: { capability: 'core', test: 'the advertised image types are known disk formats, each named once' },
  },
  {
    bug: 'getInfo reports the memory of a stopped guest as in use',
    Driver: MemKbWhenStopped,
    only: ['lifecycle'],
    caughtBy: {
      capability: 'core',
      test: 'getInfo memKb (when reported) is more than 0 while the guest runs or is paused, and 0 once it is stopped',
    },
  },
  {
    bug: 'a flavor with more vCPUs than the host holds boots with fewer instead of being refused',
    Driver: ClampsVcpus,
    only: ['lifecycle', 'inventory'],
    caughtBy: {
      capability: 'inventory',
      test:
        'a flavor that only its vCPUs rule out, and one that only its memory rules out, are each refused (never ' +
        'VALIDATION_FAILED) and leave the usage as it was',
    },
  },
  {
    bug: 'startup of a running host reboots it (its CPU times start again)',
    Driver: StartupReboots,
    only: ['host.power', 'host.stats'],
    caughtBy: {
      capability: 'host.power',
      test: 'startup of a running host changes nothing: its CPU times do not go backwards (no reboot)',
    },
  },
];

describe('the kit catches broken core, resource and host variants of the memory driver', () => {
  it(
    'passes the correct memory driver on the same suites (no false alarm)',
    async () => expectNoFalseAlarm(CORPUS),
    60_000,
  );

  it.each(CORPUS.map((b) => [b.bug, b] as const))('%s', async (_bug, broken) => expectCaught(broken), 60_000);
});
