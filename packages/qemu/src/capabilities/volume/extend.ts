import type { ExtendVolumeRequest } from '@virtkit/core';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { volumeTopNode } from '../../runtime/qemu-argv.js';
import type { Vm } from '../../runtime/vm.js';
import { findVolume } from './volumes.js';

/**
 * `_extendVolume`: make the guest see the grown volume. While the process
 * runs, `block_resize` of the volume's top node (QEMU grows a raw file
 * itself and tells the guest); otherwise the file (or top qcow2 layer) is
 * grown with `qemu-img resize`. A size at or below the current one changes nothing.
 * @throws `NOT_FOUND` when the volume is not attached to the instance
 */
export async function extendVolume(host: QemuHost, vm: Vm, req: ExtendVolumeRequest): Promise<void> {
  const volume = findVolume(vm, req.connectionInfo);
  const size = Math.ceil(req.newSizeBytes / 512) * 512;
  const top = volume.layers.at(-1);
  const file = top?.file ?? volume.path;
  const format = top ? 'qcow2' : volume.format;
  await vm.busy(async () => {
    const current = (await host.img.info(file, format)).virtualSize;
    if (size <= current) return;
    if (vm.running) await vm.qmp('block_resize', { 'node-name': volumeTopNode(volume), size });
    else await host.img.resize(file, format, size);
  });
}
