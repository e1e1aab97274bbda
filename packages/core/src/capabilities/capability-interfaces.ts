import type { ConsoleOutputCapability, ConsolePoolCapability, MksConsoleCapability, RdpConsoleCapability, SerialConsoleCapability, SpiceConsoleCapability, VncConsoleCapability } from './console/index.js';
import type { DiagnosticsCapability, DiagnosticsUsageCapability } from './diagnostics/index.js';
import type { GuestFilesCapability, GuestMetadataCapability, GuestPasswordCapability, GuestQuiesceCapability } from './guest/index.js';
import type { HostAggregatesCapability, HostMaintenanceCapability, HostPowerCapability, HostStatsCapability } from './host/index.js';
import type { ImageCacheCapability, ImageSnapshotCapability } from './image/index.js';
import type { InventoryCapability, InventoryLegacyCapability, InventoryUsageCapability } from './inventory/index.js';
import type {
  CrashDumpCapability, LifecycleCapability, PauseCapability, RebuildCapability, RescueCapability, SoftDeleteCapability, SuspendCapability,
} from './lifecycle/index.js';
import type { ColdMigrationCapability, LiveMigrationCapability, SharedStorageCapability } from './migration/index.js';
import type { NetworkCapability, NetworkFirewallCapability, NetworkHotplugCapability, NetworkMacsCapability } from './network/index.js';
import type {
  DeviceNamesCapability, FsFormatCapability, VolumeCapability, VolumeExtendCapability, VolumeSnapshotCapability, VolumeSwapCapability,
} from './volume/index.js';
import type { CapabilityName } from './capability-names.js';

/** The public interface of every capability, by name: what `supports()` narrows a driver to. */
export interface CapabilityInterfaces {
  lifecycle: LifecycleCapability;
  'lifecycle.pause': PauseCapability;
  'lifecycle.suspend': SuspendCapability;
  'lifecycle.rescue': RescueCapability;
  'lifecycle.softDelete': SoftDeleteCapability;
  'lifecycle.rebuild': RebuildCapability;
  'lifecycle.crashDump': CrashDumpCapability;
  'console.output': ConsoleOutputCapability;
  'console.vnc': VncConsoleCapability;
  'console.spice': SpiceConsoleCapability;
  'console.rdp': RdpConsoleCapability;
  'console.serial': SerialConsoleCapability;
  'console.mks': MksConsoleCapability;
  'console.pool': ConsolePoolCapability;
  'migration.cold': ColdMigrationCapability;
  'migration.live': LiveMigrationCapability;
  'migration.sharedStorage': SharedStorageCapability;
  volume: VolumeCapability;
  'volume.swap': VolumeSwapCapability;
  'volume.extend': VolumeExtendCapability;
  'volume.snapshot': VolumeSnapshotCapability;
  'volume.deviceNames': DeviceNamesCapability;
  'volume.fsFormat': FsFormatCapability;
  network: NetworkCapability;
  'network.hotplug': NetworkHotplugCapability;
  'network.firewall': NetworkFirewallCapability;
  'network.macs': NetworkMacsCapability;
  inventory: InventoryCapability;
  'inventory.legacy': InventoryLegacyCapability;
  'inventory.usage': InventoryUsageCapability;
  'host.power': HostPowerCapability;
  'host.maintenance': HostMaintenanceCapability;
  'host.stats': HostStatsCapability;
  'host.aggregates': HostAggregatesCapability;
  'guest.password': GuestPasswordCapability;
  'guest.files': GuestFilesCapability;
  'guest.metadata': GuestMetadataCapability;
  'guest.quiesce': GuestQuiesceCapability;
  'image.snapshot': ImageSnapshotCapability;
  'image.cache': ImageCacheCapability;
  diagnostics: DiagnosticsCapability;
  'diagnostics.usage': DiagnosticsUsageCapability;
}

// Compile-time proof that the table covers exactly the capability names.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _covered: Exact<keyof CapabilityInterfaces, CapabilityName> = true;
void _covered;
