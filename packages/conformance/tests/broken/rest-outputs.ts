/**
 * Broken variants of @virtkit/memory for the inventory, host, diagnostics and
 * console checks: each is one plausible bug away from the correct driver and
 * observable through public calls; the corpus test (broken-drivers.test.ts)
 * requires the kit to fail the test whose name says what was wrong.
 */
import {
  type AvailableResource,
  type ConsolePoolInfo,
  type GetAllVolumeUsageRequest,
  type GetConsolePoolInfoRequest,
  type InstanceDiagnostics,
  type InstanceRequest,
  type OperationContext as Ctx,
  type UpdateProviderTreeRequest,
  type VolumeUsage,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

/** Answers for any node name with this node's figures (the node name is never compared). */
class AnyNodeAnswers extends MemoryDriver {
  protected override async _getAvailableResource(c: Ctx, _r: { nodename: string }): Promise<AvailableResource> {
    return super._getAvailableResource(c, { nodename: this.hostname });
  }
}

/** Disk available least adds the used disk instead of subtracting it. */
class DiskLeastAddsUsed extends MemoryDriver {
  protected override async _getAvailableResource(c: Ctx, r: { nodename: string }): Promise<AvailableResource> {
    const report = await super._getAvailableResource(c, r);
    return { ...report, diskAvailableLeast: report.diskAvailableLeast + 2 * report.localGbUsed };
  }
}

/** The report names the machine ('localhost'), not the node asked for. */
class HostnameNotNode extends MemoryDriver {
  protected override async _getAvailableResource(c: Ctx, r: { nodename: string }): Promise<AvailableResource> {
    return { ...(await super._getAvailableResource(c, r)), hypervisorHostname: 'localhost' };
  }
}

/** No supported instance types (the scheduler could place nothing). */
class NoSupportedInstances extends MemoryDriver {
  protected override async _getAvailableResource(c: Ctx, r: { nodename: string }): Promise<AvailableResource> {
    return { ...(await super._getAvailableResource(c, r)), supportedInstances: [] };
  }
}

/** cpuInfo without its arch. */
class CpuInfoWithoutArch extends MemoryDriver {
  protected override async _getAvailableResource(c: Ctx, r: { nodename: string }): Promise<AvailableResource> {
    const report = await super._getAvailableResource(c, r);
    const { arch: _arch, ...rest } = JSON.parse(report.cpuInfo) as Record<string, unknown>;
    return { ...report, cpuInfo: JSON.stringify(rest) };
  }
}

/** The provider tree keeps COMPUTE_STATUS_DISABLED once the host is enabled again (only ever added). */
class DisabledTraitStays extends MemoryDriver {
  protected override async _updateProviderTree(c: Ctx, r: UpdateProviderTreeRequest): Promise<void> {
    const had = r.providerTree.get(r.nodename).traits.includes('COMPUTE_STATUS_DISABLED');
    await super._updateProviderTree(c, r);
    if (had) r.providerTree.addTraits(r.nodename, ['COMPUTE_STATUS_DISABLED']);
  }
}

/** A running guest reports no memory in use (the resident check reads the wrong state). */
class RunningGuestUsesNoMemory extends MemoryDriver {
  protected override async _getInstanceDiagnostics(c: Ctx, r: InstanceRequest): Promise<InstanceDiagnostics> {
    const d = await super._getInstanceDiagnostics(c, r);
    return { ...d, memoryDetails: { ...d.memoryDetails, usedMb: 0 } };
  }
}

/** Volume usage is never reported (an empty list is always a valid answer, isn't it?). */
class NoVolumeUsage extends MemoryDriver {
  protected override async _getAllVolumeUsage(): Promise<VolumeUsage[]> {
    return [];
  }
}

/** Volume usage carries the driver's own volume id, not the one the orchestrator's row gives. */
class VolumeUsageOwnIds extends MemoryDriver {
  protected override async _getAllVolumeUsage(c: Ctx, r: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> {
    const rows = r.instances.map((row) => ({
      ...row,
      volumes: row.volumes.map(({ volumeId: _id, ...volume }) => volume),
    }));
    return super._getAllVolumeUsage(c, { ...r, instances: rows });
  }
}

/** Console pool info for any console type, even one the driver does not have. */
class PoolForAnyType extends MemoryDriver {
  protected override async _getConsolePoolInfo(c: Ctx, _r: GetConsolePoolInfoRequest): Promise<ConsolePoolInfo> {
    return super._getConsolePoolInfo(c, { consoleType: 'vnc' });
  }
}

const RESOURCE_REPORT =
  'the resource report names the node asked for; disk available least is at most the local disk, also with an instance';
const UNKNOWN_NODE =
  "calls naming a node the driver does not manage are NOT_FOUND (resources, traits, provider tree), never this node's " +
  'figures';
const REPORT_KEYS = 'the available resource report has every key, with the right types';

export const REST_OUTPUTS: readonly BrokenDriver[] = [
  {
    kind: 'secondary outputs',
    bug: 'getAvailableResource answers for any node name',
    Driver: AnyNodeAnswers,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: UNKNOWN_NODE },
    reason: /getAvailableResource\(unknown node\)/,
  },
  {
    kind: 'secondary outputs',
    bug: 'diskAvailableLeast adds the used disk instead of subtracting it',
    Driver: DiskLeastAddsUsed,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: RESOURCE_REPORT },
    reason: /diskAvailableLeast .* with an instance must not exceed localGb/,
  },
  {
    kind: 'secondary outputs',
    bug: 'hypervisorHostname is the machine, not the node asked for',
    Driver: HostnameNotNode,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: RESOURCE_REPORT },
    reason: /hypervisorHostname of an empty host/,
  },
  {
    kind: 'secondary outputs',
    bug: 'supportedInstances is empty',
    Driver: NoSupportedInstances,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: REPORT_KEYS },
    reason: /supportedInstances must be at least one/,
  },
  {
    kind: 'secondary outputs',
    bug: 'cpuInfo does not name its arch',
    Driver: CpuInfoWithoutArch,
    only: ['inventory'],
    caughtBy: { capability: 'inventory', test: REPORT_KEYS },
    reason: /cpuInfo must name its arch/,
  },
  {
    kind: 'secondary outputs',
    bug: 'the provider tree keeps COMPUTE_STATUS_DISABLED after the host is enabled again',
    Driver: DisabledTraitStays,
    only: ['host.maintenance', 'inventory'],
    caughtBy: {
      capability: 'host.maintenance',
      test: 'a disabled host carries the COMPUTE_STATUS_DISABLED trait, and drops it once enabled again',
    },
    reason: /COMPUTE_STATUS_DISABLED once the host is enabled again/,
  },
  {
    kind: 'secondary outputs',
    bug: 'diagnostics report no memory in use for a running guest',
    Driver: RunningGuestUsesNoMemory,
    only: ['diagnostics'],
    caughtBy: {
      capability: 'diagnostics',
      test: 'diagnostics while RUNNING: state as getInfo, counts match details, counters are numbers >= 0',
    },
    reason: /usedMb of a RUNNING guest must be > 0/,
  },
  {
    kind: 'secondary outputs',
    bug: 'getAllVolumeUsage never lists a volume',
    Driver: NoVolumeUsage,
    only: ['diagnostics.usage', 'volume'],
    caughtBy: {
      capability: 'diagnostics.usage',
      test: 'volume usage counts attached volumes only, with counters >= 0',
    },
    reason: /must list the one volume attached to a running instance/,
  },
  {
    kind: 'secondary outputs',
    bug: "getAllVolumeUsage ignores the orchestrator's volume id in its row",
    Driver: VolumeUsageOwnIds,
    only: ['diagnostics.usage', 'volume'],
    caughtBy: {
      capability: 'diagnostics.usage',
      test: 'volume usage counts attached volumes only, with counters >= 0',
    },
    reason: /the volume id of the entry when the row names the orchestrator's/,
  },
  {
    kind: 'secondary outputs',
    bug: 'console pool info for a console type the driver does not have',
    Driver: PoolForAnyType,
    only: ['console.pool'],
    caughtBy: {
      capability: 'console.pool',
      test: 'pool info is address, username and password, or NOT_FOUND; a malformed console type is VALIDATION_FAILED',
    },
    reason: /getConsolePoolInfo\(a console type the driver does not have\)/,
  },
];
