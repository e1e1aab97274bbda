import { InsufficientResourcesError } from '@virtkit/core';
import { ROOT_DISK_PORT } from './qemu-argv.js';
import type { VmMeta } from './vm-meta.js';

// q35 hot-plugs PCIe devices only into pcie-root-ports that exist from the start:
// each virtio device owns one port, and spare ports are created for hotplug.

/** Ports taken by the root disk, virtio NICs and virtio volumes. */
export function usedPorts(meta: VmMeta): Set<number> {
  const used = new Set<number>();
  if (meta.diskBus === 'virtio') used.add(ROOT_DISK_PORT);
  for (const nic of meta.nics) if (nic.model === 'virtio' && nic.port !== undefined) used.add(nic.port);
  for (const volume of meta.volumes) if (volume.bus === 'virtio' && volume.port !== undefined) used.add(volume.port);
  return used;
}

/**
 * The lowest free port. Before the process starts any port number will do
 * (the count follows at start); while it runs, only the ports it has.
 * @throws `INSUFFICIENT_RESOURCES` when every existing port is taken.
 */
export function allocatePort(meta: VmMeta, running: boolean): number {
  const used = usedPorts(meta);
  for (let port = 0; ; port++) {
    if (running && port >= meta.ports) {
      throw new InsufficientResourcesError(
        'pcie-root-port',
        `no free pcie-root-port for hotplug (${meta.ports} ports, all in use); ` +
          'raise hotplugSlots or restart the instance',
      );
    }
    if (!used.has(port) && port !== ROOT_DISK_PORT) return port;
  }
}

/** How many ports a fresh start creates: every port in use plus `spare` free ones. */
export function portsForStart(meta: VmMeta, spare: number): number {
  const used = usedPorts(meta);
  const highest = Math.max(ROOT_DISK_PORT, ...used);
  return highest + 1 + spare;
}
