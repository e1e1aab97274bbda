import type { CapabilityName } from './capability-names.js';

/** A fact about what a driver (or its host) can do: three states, never a guess. */
export type FeatureState = 'supported' | 'unsupported' | 'unknown';

interface FeatureDefinition {
  /** The capability the feature refines; declaring the feature without it is an error. */
  readonly requires?: CapabilityName;
  /** The scheduler trait it maps to, when the reference's vocabulary has one. */
  readonly trait?: string;
  /** Depends on the host (CPU, firmware, kernel), not only on the driver's code. */
  readonly hostDependent?: boolean;
  readonly description: string;
}

/** Every feature flag a driver may declare, with its capability and trait. */
export const FEATURE_FLAGS = {
  multiattach: { requires: 'volume', trait: 'COMPUTE_VOLUME_MULTI_ATTACH', description: 'a volume may be attached to several instances' },
  taggedVolumeAttach: { requires: 'volume', trait: 'COMPUTE_VOLUME_ATTACH_WITH_TAG', description: 'volume attach accepts a device tag' },
  taggedInterfaceAttach: { requires: 'network.hotplug', trait: 'COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG', description: 'interface attach accepts a device tag' },
  deviceTagging: { requires: 'lifecycle', trait: 'COMPUTE_DEVICE_TAGGING', description: 'devices given at spawn may carry tags' },
  sameHostMigration: { requires: 'migration.cold', trait: 'COMPUTE_SAME_HOST_COLD_MIGRATE', description: 'cold migration / resize to the same host' },
  recreate: { requires: 'lifecycle.rebuild', description: 'rebuild on another host from shared storage (evacuate)' },
  trustedCerts: { requires: 'lifecycle', trait: 'COMPUTE_TRUSTED_CERTS', description: 'image signature certificate validation' },
  pcpus: { requires: 'inventory', hostDependent: true, description: 'dedicated host CPUs (PCPU inventory)' },
  accelerators: { requires: 'lifecycle', trait: 'COMPUTE_ACCELERATORS', hostDependent: true, description: 'accelerator devices at spawn' },
  bfvRescue: { requires: 'lifecycle.rescue', trait: 'COMPUTE_RESCUE_BFV', description: 'rescue of volume-backed instances' },
  defaultRescueImage: { requires: 'lifecycle.rescue', description: 'rescue with empty image metadata boots from the instance\'s own image (otherwise that rescue is NOT_SUPPORTED)' },
  vtpm: { requires: 'lifecycle', trait: 'COMPUTE_SECURITY_TPM_2_0', hostDependent: true, description: 'virtual TPM 2.0' },
  secureBoot: { requires: 'lifecycle', trait: 'COMPUTE_SECURITY_UEFI_SECURE_BOOT', hostDependent: true, description: 'UEFI secure boot' },
  statelessFirmware: { requires: 'lifecycle', trait: 'COMPUTE_SECURITY_STATELESS_FIRMWARE', description: 'stateless firmware' },
  virtioFs: { requires: 'lifecycle', trait: 'COMPUTE_STORAGE_VIRTIO_FS', hostDependent: true, description: 'virtio-fs shares' },
  memBackingFile: { requires: 'lifecycle', trait: 'COMPUTE_MEM_BACKING_FILE', description: 'file-backed guest memory' },
  ephemeralEncryption: { requires: 'lifecycle', trait: 'COMPUTE_EPHEMERAL_ENCRYPTION', description: 'encrypted ephemeral disks' },
  remoteManagedPorts: { requires: 'network', trait: 'COMPUTE_REMOTE_MANAGED_PORTS', description: 'remote-managed (SmartNIC) ports' },
  socketPciNumaAffinity: { requires: 'lifecycle', trait: 'COMPUTE_SOCKET_PCI_NUMA_AFFINITY', hostDependent: true, description: 'socket PCI NUMA affinity policy' },
  addressSpacePassthrough: { requires: 'lifecycle', trait: 'COMPUTE_ADDRESS_SPACE_PASSTHROUGH', hostDependent: true, description: 'host physical address bits passed through' },
  addressSpaceEmulated: { requires: 'lifecycle', trait: 'COMPUTE_ADDRESS_SPACE_EMULATED', description: 'emulated physical address bits' },
  nestedVirtualization: { requires: 'lifecycle', hostDependent: true, description: 'guests may run their own hypervisor' },
} as const satisfies Record<string, FeatureDefinition>;

/** The name of a feature flag. */
export type FeatureFlag = keyof typeof FEATURE_FLAGS;

/** What a driver class declares: a state per flag (booleans are shorthand); unlisted flags are `unsupported`. */
export type FeatureDeclaration = Partial<Record<FeatureFlag, FeatureState | boolean>>;

/** Normalise a declared value. */
export function toFeatureState(value: FeatureState | boolean | undefined): FeatureState {
  if (value === true) return 'supported';
  if (value === false || value === undefined) return 'unsupported';
  return value;
}
