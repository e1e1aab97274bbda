// Vm.qmp once QEMU is gone: the cleanup steps of every hook call `vm.qmp(...).catch(...)` after a failure, so
// the missing process must come back as a rejection the `catch` sees, never as a synchronous throw that escapes it
// and replaces the hook's own error (faults.test.ts, "image snapshot: QEMU SIGKILLed while the disk is being copied",
// answered INVALID_STATE instead of DRIVER_ERROR when the process's exit was seen before the cleanup ran).
import { isVirtkitError } from '@virtkit/core';
import { Vm, type VmHost } from '../src/runtime/vm.js';
import type { VmMeta } from '../src/runtime/vm-meta.js';

const UUID = '0b8d6c9e-4a43-4b6f-9f0e-6f4f7d3c2a11';

/** An instance with no QEMU process (never started, or its process exited): nothing of the host is reached. */
function vmWithoutProcess(): Vm {
  return new Vm({} as VmHost, '/nonexistent', { uuid: UUID } as VmMeta);
}

it("rejects with INVALID_STATE, and a cleanup step catching it goes on with the hook's own error", async () => {
  const vm = vmWithoutProcess();
  const call = (): Promise<unknown> => vm.qmp('blockdev-del', { 'node-name': 'target' });
  let thrown: unknown;
  let answer: Promise<unknown> | undefined;
  try {
    answer = call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeUndefined();
  const error = await answer!.catch((e: unknown) => e);
  expect(isVirtkitError(error, 'INVALID_STATE')).toBe(true);
  // The pattern of the hooks' cleanup: the hook's error survives it.
  const hook = async (): Promise<void> => {
    try {
      throw new Error('the backup job failed');
    } finally {
      await call().catch(() => undefined);
    }
  };
  await expect(hook()).rejects.toThrow('the backup job failed');
});
