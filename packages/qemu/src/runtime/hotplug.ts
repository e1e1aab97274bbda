import { DeviceDetachTimeoutError, qmpErrorClass } from '../errors/qemu-errors.js';
import { qemuId } from './safe-values.js';
import type { Vm } from './vm.js';

/**
 * Hot-unplug a device and wait for QEMU's DEVICE_DELETED for it (matched on
 * `data.device`: virtio devices also announce their backend path). PCIe
 * devices leave only when the guest releases them; SCSI and USB ones at once.
 * A device that is already gone is not an error.
 * @throws `TIMEOUT` ({@link DeviceDetachTimeoutError}) when the guest keeps the device.
 */
export async function unplugDevice(vm: Vm, deviceId: string): Promise<void> {
  const proc = vm.requireProcess('device_del');
  const id = qemuId(deviceId);
  const timeoutMs = vm.config.detachTimeoutMs;
  const deleted = proc.qmp.waitForEvent<{ device?: string }>('DEVICE_DELETED', (e) => e.data.device === id, timeoutMs);
  // the wait must never be an unhandled rejection, whichever way this ends
  deleted.catch(() => undefined);
  try {
    await proc.execute('device_del', { id });
  } catch (error) {
    const cls = qmpErrorClass(error);
    if (cls === 'DeviceNotFound') return;
    // a second request for a device whose unplug is pending: keep waiting for the first
    if (!(cls === 'GenericError' && /already in the process of unplug/i.test(String((error as Error).message))))
      throw error;
  }
  try {
    await deleted;
  } catch (error) {
    if (!(await deviceExists(vm, id))) return;
    throw new DeviceDetachTimeoutError(id, timeoutMs, { cause: error });
  }
}

/** True when QEMU still has a device with this id (qom-list of /machine/peripheral). */
export async function deviceExists(vm: Vm, id: string): Promise<boolean> {
  const children = await vm.qmp<{ name: string }[]>('qom-list', { path: '/machine/peripheral' });
  return children.some((c) => c.name === id);
}
