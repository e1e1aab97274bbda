import type { Flavor } from '@virtkit/core';

/** Amounts of the three resources an instance claims on its node. */
export interface ResourceAmounts {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
}

/**
 * What a flavor claims: its vCPUs, its memory, and its root, ephemeral and
 * swap disks (swap rounded up to whole GiB), as the scheduler counts them.
 */
export function amountsOf(flavor: Pick<Flavor, 'vcpus' | 'memoryMb' | 'rootGb' | 'ephemeralGb' | 'swapMb'>): ResourceAmounts {
  const swapGb = Math.ceil((flavor.swapMb ?? 0) / 1024);
  return { vcpus: flavor.vcpus, memoryMb: flavor.memoryMb, diskGb: flavor.rootGb + (flavor.ephemeralGb ?? 0) + swapGb };
}
