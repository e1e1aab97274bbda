import { rm } from 'node:fs/promises';
import { PowerState, type PowerOffRequest, type RebootRequest } from '@virtkit/core';
import { delay } from '../../runtime/proc-utils.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';

/**
 * `_powerOff`: with `timeoutSec` > 0, press the ACPI power button
 * (`system_powerdown`), again every `retryIntervalSec` (0: every second),
 * until the guest has shut down or `timeoutSec` passed; then (or at once
 * with `timeoutSec` 0) `quit`, falling back to SIGKILL. A guest without an
 * OS ignores the button, so it is stopped after the timeout. A suspended
 * instance loses its saved state.
 */
export async function powerOff(vm: Vm, req: PowerOffRequest): Promise<void> {
  await vm.busy(async () => {
    const timeoutMs = (req.timeoutSec ?? 0) * 1000;
    if (vm.running && timeoutMs > 0) await acpiShutdown(vm, timeoutMs, Math.max(1, req.retryIntervalSec ?? 0) * 1000);
    await vm.stopProcess('quit');
    await rm(vm.file(VM_FILES.savedState), { force: true });
    vm.meta.power = 'shutdown';
    await vm.save();
  });
}

/** Press the power button until the process exits or `timeoutMs` passes; true when the guest shut down. */
async function acpiShutdown(vm: Vm, timeoutMs: number, retryMs: number): Promise<boolean> {
  const proc = vm.requireProcess('powerOff');
  proc.expectedExit = true;
  const deadline = Date.now() + timeoutMs;
  const exited = proc.exited.then(() => true);
  while (Date.now() < deadline) {
    await proc.execute('system_powerdown').catch(() => undefined);
    const wait = Math.min(retryMs, deadline - Date.now());
    if (await Promise.race([exited, delay(wait).then(() => false)])) return true;
  }
  return false;
}

/**
 * `_powerOn`: a fresh boot (a process left in a crashed state is stopped first). @throws `INVALID_STATE` (soft-deleted)
 */
export async function powerOn(vm: Vm): Promise<void> {
  vm.refuseWhileSoftDeleted('powerOn');
  await vm.busy(async () => {
    if (vm.proc) await vm.stopProcess('kill');
    await vm.start();
  });
}

/**
 * `_reboot`. HARD: `system_reset` of a live guest (continued when paused),
 * a fresh boot otherwise. SOFT (from RUNNING): for an image that declares
 * `virtkit_guest_acpi=yes`, press the ACPI power button with QEMU told to
 * pause instead of exit, then reset once the guest has shut down (or after
 * `softRebootTimeoutSec`); without ACPI (no guest agent either), `system_reset`.
 * @throws `INVALID_STATE` (soft-deleted)
 */
export async function reboot(vm: Vm, req: RebootRequest): Promise<void> {
  vm.refuseWhileSoftDeleted('reboot');
  await vm.busy(async () => {
    if (req.rebootType === 'SOFT' && vm.meta.guestAcpi) return acpiReboot(vm);
    if (!vm.running) {
      await rm(vm.file(VM_FILES.savedState), { force: true });
      if (vm.proc) await vm.stopProcess('kill');
      await vm.start();
      return;
    }
    await vm.qmp('system_reset');
    if ((await vm.powerState()) !== PowerState.RUNNING) await vm.qmp('cont');
  });
}

async function acpiReboot(vm: Vm): Promise<void> {
  const proc = vm.requireProcess('reboot');
  await proc.execute('set-action', { shutdown: 'pause' });
  try {
    const down = proc.qmp
      .waitForEvent('SHUTDOWN', (e) => e.data.guest === true, vm.config.softRebootTimeoutMs)
      .then(
        () => true,
        () => false,
      );
    await proc.execute('system_powerdown');
    await down;
    await proc.execute('system_reset');
    if ((await vm.powerState()) !== PowerState.RUNNING) await proc.execute('cont');
  } finally {
    proc.guestShutdown = false;
    await proc.execute('set-action', { shutdown: 'poweroff' }).catch(() => undefined);
  }
}

/** `_pause`: stop the vCPUs. */
export async function pause(vm: Vm): Promise<void> {
  await vm.busy(() => vm.qmp('stop'));
}

/** `_unpause`: continue the vCPUs. */
export async function unpause(vm: Vm): Promise<void> {
  await vm.busy(() => vm.qmp('cont'));
}
