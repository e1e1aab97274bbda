import { randomBytes, randomUUID } from 'node:crypto';
import type { CapabilityName, Vif, VolumeConnectionInfo } from '@virtkit/core';
import { createMemoryDriverClass } from './compose.js';
import { createMemoryImage } from './image-fixture.js';
import { MemoryFabric } from './fabric/memory-fabric.js';
import type { MemoryConfig } from './memory-config.js';
import type { MemoryDriverCore } from './memory-driver-core.js';
import { MemoryDriver } from './memory-driver.js';

/** Two memory hosts on one new fabric, as the conformance kit's `createMigrationPair` wants them. */
export interface MemoryMigrationPair {
  source: MemoryDriverCore;
  destination: MemoryDriverCore;
  sourceHost: string;
  destinationHost: string;
  release(): Promise<void>;
}

/**
 * What the conformance kit needs to prove a memory driver (a plain object
 * shaped like `ConformanceFixtures`; this package does not depend on the kit).
 */
export type MemoryFixtures = {
  /** A new volume: `{ driverVolumeType: 'memory', data: { volumeId, sizeBytes } }`. */
  createVolume(sizeBytes: number): Promise<{ connectionInfo: VolumeConnectionInfo; release(): Promise<void> }>;
  /** A VIF with a fresh id and a random locally administered MAC. */
  createVif(): Vif;
  /** Two hosts (`<prefix>-src`, `<prefix>-dst`) of the same composition on a new fabric. */
  createMigrationPair(): Promise<MemoryMigrationPair>;
  /** An empty image in the driver's fabric image service, for `snapshot`. */
  createImage(driver: unknown): Promise<{ imageId: string; release(): Promise<void> }>;
};

/** Options of {@link createMemoryFixtures}. */
export interface MemoryFixtureOptions {
  /** Compose the pair's drivers of these capabilities. @defaultValue all of them */
  capabilities?: readonly CapabilityName[];
  /** Options for the pair's drivers (the fabric and host names are the fixture's). */
  config?: MemoryConfig;
}

/** Kit fixtures for memory drivers. */
export function createMemoryFixtures(options: MemoryFixtureOptions = {}): MemoryFixtures {
  const cls = options.capabilities ? createMemoryDriverClass(options.capabilities) : MemoryDriver;
  return {
    createImage: createMemoryImage,
    async createVolume(sizeBytes) {
      return { connectionInfo: { driverVolumeType: 'memory', data: { volumeId: randomUUID(), sizeBytes } }, release: async () => {} };
    },
    createVif() {
      const mac = `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      return { id: randomUUID(), address: mac, type: 'user', network: { id: 'memory-net', label: 'memory' } };
    },
    async createMigrationPair() {
      const fabric = new MemoryFabric();
      const prefix = `mem-${randomUUID().slice(0, 8)}`;
      const source = new cls({ hostname: `${prefix}-src` }, { ...options.config, fabric, hostname: `${prefix}-src` });
      const destination = new cls({ hostname: `${prefix}-dst` }, { ...options.config, fabric, hostname: `${prefix}-dst` });
      return {
        source, destination, sourceHost: source.hostname, destinationHost: destination.hostname,
        release: async () => {
          for (const host of fabric.hosts) fabric.unregister(host);
        },
      };
    },
  };
}
