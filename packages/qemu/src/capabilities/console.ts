import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DriverError, type ConsoleOutput, type SerialConsole, type VncConsole } from '@virtkit/core';
import { VM_FILES } from '../runtime/vm-meta.js';
import type { Vm } from '../runtime/vm.js';

/**
 * `_getConsoleOutput`: the tail of the serial log (`serial.log`, kept across
 * restarts), at most `consoleOutputMaxBytes`; invalid UTF-8 becomes U+FFFD.
 */
export async function consoleOutput(vm: Vm): Promise<ConsoleOutput> {
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
 * `_getVncConsole`: QEMU's VNC server (bound to 127.0.0.1, `password=on`)
 * with a fresh password set through `set_password` on every call (VNC
 * passwords are 8 characters); the previous one stops working.
 */
export async function vncConsole(vm: Vm): Promise<VncConsole> {
  const info = await vm.qmp<{ enabled: boolean; host?: string; service?: string }>('query-vnc');
  const port = Number(info.service);
  if (!info.enabled || !Number.isInteger(port) || port < 1) throw new DriverError('getVncConsole', 'QEMU reports no VNC server');
  const secret = randomBytes(6).toString('base64url').slice(0, 8);
  await vm.qmp('set_password', { protocol: 'vnc', password: secret });
  return { kind: 'vnc', host: '127.0.0.1', port, secret };
}

/**
 * `_getSerialConsole`: the guest's serial port as a TCP server on
 * 127.0.0.1 (a port QEMU picked at start). The returned `secret` is a
 * per-call token for the console proxy; QEMU's TCP chardev cannot check it,
 * so the loopback binding is what keeps the port private.
 */
export async function serialConsole(vm: Vm): Promise<SerialConsole> {
  const chardevs = await vm.qmp<{ label: string; filename: string }[]>('query-chardev');
  const serial = chardevs.find((c) => c.label === 'serial0');
  const port = Number(serial?.filename.match(/tcp:127\.0\.0\.1:(\d+)/)?.[1]);
  if (!Number.isInteger(port) || port < 1) throw new DriverError('getSerialConsole', `QEMU reports no TCP serial port (${serial?.filename ?? 'no serial0'})`);
  return { kind: 'serial', host: '127.0.0.1', port, secret: randomBytes(16).toString('hex') };
}
