import { rename, rm } from 'node:fs/promises';
import { receiveToFile, sendFile, waitForMigration } from '../../runtime/migration-stream.js';
import { VM_FILES, type NicSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { replug, unmigratableNics, unplugUnmigratable } from '../network/vifs.js';

const SAVE_TIMEOUT_MS = 10 * 60_000;

/**
 * `_suspend`: stop the vCPUs, stream the VM state (QMP `migrate` to a unix
 * socket the driver reads into `saved-state.bin`, so the file is complete
 * when the call returns), then quit QEMU. USB NICs (not migratable) are
 * unplugged first and plugged back on resume. On failure the guest runs on.
 */
export async function suspend(vm: Vm): Promise<void> {
  await vm.busy(async () => {
    const proc = vm.requireProcess('suspend');
    const target = vm.file(VM_FILES.savedState);
    const partial = `${target}.partial`;
    await proc.execute('stop');
    let unplugged: NicSpec[] = [];
    try {
      unplugged = await unplugUnmigratable(vm);
      await receiveToFile(vm.file('save.sock'), partial, async () => {
        await proc.execute('migrate', { uri: `unix:${vm.file('save.sock')}` });
        await waitForMigration(proc, { timeoutMs: SAVE_TIMEOUT_MS });
      });
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      if (proc.alive) {
        await replug(vm, unplugged).catch((e) =>
          vm.log.warn('cannot plug a NIC back after a failed suspend', { instanceUuid: vm.uuid, error: String(e) }),
        );
        await proc.execute('cont').catch(() => undefined);
      }
      throw error;
    }
    await vm.stopProcess('quit');
    vm.meta.power = 'suspended';
    await vm.save();
  });
}

/**
 * `_resume`: start QEMU with the same devices waiting for an incoming
 * stream (`-incoming defer` + `migrate-incoming`), stream the saved state
 * in, continue the guest and drop the file. On failure the instance stays SUSPENDED.
 */
export async function resume(vm: Vm): Promise<void> {
  await vm.busy(async () => {
    const file = vm.file(VM_FILES.savedState);
    const socket = vm.file('restore.sock');
    const proc = await vm.start({ incoming: true });
    try {
      await rm(socket, { force: true });
      await proc.execute('migrate-incoming', { uri: `unix:${socket}` });
      await sendFile(socket, file);
      await waitForMigration(proc, { timeoutMs: SAVE_TIMEOUT_MS });
      // started without them (-incoming): the USB NICs come back before the guest runs
      await replug(vm, unmigratableNics(vm));
      await proc.execute('cont');
      // from here an exit is the running guest's (reported CRASHED), no longer a failed resume
      vm.meta.power = 'running';
    } catch (error) {
      await vm.stopProcess('kill');
      throw error;
    } finally {
      await rm(socket, { force: true });
    }
    await rm(file, { force: true });
    await vm.save();
  });
}
