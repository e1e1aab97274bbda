import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  DriverError,
  withConsoleOutput,
  withSerialConsole,
  withVncConsole,
  type ConsoleOutput,
  type GetConsoleOutputRequest,
  type GetConsoleRequest,
  type OperationContext,
  type SerialConsole,
  type VncConsole,
} from '@virtkit/core';
import { VM_FILES } from '../../runtime/vm-meta.js';
import { LifecycleHooks } from '../lifecycle/lifecycle-hooks.js';

/**
 * The QEMU driver's `console` family: `console.output`, `console.vnc`, `console.serial`: the serial log, QEMU's VNC
 * server and the serial proxy.
 */
export abstract class ConsoleHooks extends withSerialConsole(withVncConsole(withConsoleOutput(LifecycleHooks))) {
  /**
   * The tail of the serial log (`serial.log`, kept across restarts), at most `consoleOutputMaxBytes`; invalid UTF-8
   * becomes U+FFFD.
   */
  protected async _getConsoleOutput(_ctx: OperationContext, req: GetConsoleOutputRequest): Promise<ConsoleOutput> {
    const vm = this.vm(req);
    const max = vm.config.consoleOutputMaxBytes;
    let handle;
    try {
      handle = await open(vm.file(VM_FILES.serialLog), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', truncated: false };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, max);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return { text: new TextDecoder('utf-8', { fatal: false }).decode(buffer), truncated: size > max };
    } finally {
      await handle.close();
    }
  }

  /**
   * QEMU's VNC server (bound to 127.0.0.1, `password=on`) with a fresh password set through `set_password` on every
   * call (VNC passwords are 8 characters); the previous one stops working.
   */
  protected async _getVncConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<VncConsole> {
    const vm = this.vm(req);
    const info = await vm.qmp<{ enabled: boolean; host?: string; service?: string }>('query-vnc');
    const port = Number(info.service);
    if (!info.enabled || !Number.isInteger(port) || port < 1)
      throw new DriverError('getVncConsole', 'QEMU reports no VNC server');
    const secret = randomBytes(6).toString('base64url').slice(0, 8);
    await vm.qmp('set_password', { protocol: 'vnc', password: secret });
    return { kind: 'vnc', host: '127.0.0.1', port, secret };
  }

  /**
   * The guest's serial port behind the driver's authenticating proxy on 127.0.0.1. QEMU's chardev is a unix socket
   * in the instance directory (0700); the proxy lets a client through to it only after the client's first line is
   * this call's `secret` (32 hex characters, then `\n`). Each call issues a new secret and the previous one stops
   * working; a secret lasts 10 minutes. See `SerialProxy` for the protocol.
   * @throws `DRIVER_ERROR` for a process taken over from a driver that served the console over plain TCP (restart it)
   */
  protected async _getSerialConsole(_ctx: OperationContext, req: GetConsoleRequest): Promise<SerialConsole> {
    const vm = this.vm(req);
    const chardevs = await vm.qmp<{ label: string; filename: string }[]>('query-chardev');
    const serial = chardevs.find((c) => c.label === 'serial0');
    // never serve a console whose QEMU end is not the private unix socket: its secret would protect nothing
    // (`disconnected:unix:...` while no client is connected)
    const end = serial?.filename.replace(/^disconnected:/, '');
    if (!end?.startsWith(`unix:${vm.file(VM_FILES.serial)},`)) {
      throw new DriverError(
        'getSerialConsole',
        `QEMU's serial port is not the private unix socket (${end?.split(':')[0] ?? 'no serial0'}); ` +
          'restart the instance',
      );
    }
    const { port, secret } = await vm.serialConsole();
    return { kind: 'serial', host: '127.0.0.1', port, secret };
  }
}
