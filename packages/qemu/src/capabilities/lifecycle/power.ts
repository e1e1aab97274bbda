import { rm } from 'node:fs/promises';
import type { PowerOffRequest } from '@virtkit/core';
import { delay } from '../../runtime/proc-utils.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';

// Powering an instance off and on: the lifecycle hooks and a cold migration (its source powers off, its revert
// powers on) share them.

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
