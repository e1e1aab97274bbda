import type { Flavor } from '@virtkit/core';

/** Amounts of the three resources an instance claims on its node. */
export interface ResourceAmounts {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  /** Of `diskGb`, the ephemeral disk's size (the rest is root and swap); kept so each disk can be listed. */
  ephemeralGb?: number;
  /** The swap disk's size in MiB (it counts in `diskGb` rounded up to whole GiB). */
  swapMb?: number;
}

/**
 * What a flavor claims: its vCPUs, its memory, and its root, ephemeral and
 * swap disks (swap rounded up to whole GiB), as the scheduler counts them.
 */
export function amountsOf(
  flavor: Pick<Flavor, 'vcpus' | 'memoryMb' | 'rootGb' | 'ephemeralGb' | 'swapMb'>,
): ResourceAmounts {
  const swapGb = Math.ceil((flavor.swapMb ?? 0) / 1024);
  const ephemeralGb = flavor.ephemeralGb ?? 0;
  const swapMb = flavor.swapMb ?? 0;
  return {
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    diskGb: flavor.rootGb + ephemeralGb + swapGb,
    ephemeralGb,
    swapMb,
  };
}
