/** Capability families, in documentation order. */
export const FAMILIES = [
  'lifecycle', 'console', 'migration', 'volume', 'network', 'inventory', 'host', 'guest', 'image', 'diagnostics',
] as const;

/** One of {@link FAMILIES}. */
export type Family = (typeof FAMILIES)[number];

/** Every capability a driver can advertise, grouped by family (see docs/contract.md). */
export const CAPABILITY_NAMES = [
  'lifecycle', 'lifecycle.pause', 'lifecycle.suspend', 'lifecycle.rescue', 'lifecycle.softDelete',
  'lifecycle.rebuild', 'lifecycle.crashDump',
  'console.output', 'console.vnc', 'console.spice', 'console.rdp', 'console.serial', 'console.mks', 'console.pool',
  'migration.cold', 'migration.live', 'migration.sharedStorage',
  'volume', 'volume.swap', 'volume.extend', 'volume.snapshot', 'volume.deviceNames', 'volume.fsFormat',
  'network', 'network.hotplug', 'network.firewall', 'network.macs',
  'inventory', 'inventory.legacy', 'inventory.usage',
  'host.power', 'host.maintenance', 'host.stats', 'host.aggregates',
  'guest.password', 'guest.files', 'guest.metadata', 'guest.quiesce',
  'image.snapshot', 'image.cache',
  'diagnostics', 'diagnostics.usage',
] as const;

/** A capability name such as `'volume.extend'`. */
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

const NAME_SET: ReadonlySet<string> = new Set(CAPABILITY_NAMES);

/** True when `value` names a capability. */
export function isCapabilityName(value: unknown): value is CapabilityName {
  return typeof value === 'string' && NAME_SET.has(value);
}

/** The family a capability belongs to (`'volume.extend'` -> `'volume'`). */
export function familyOf(capability: CapabilityName): Family {
  return capability.split('.')[0] as Family;
}
