import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findExecutable } from './qemu-process.js';

/** The line the test guest's /init prints on ttyS0 once modules and acpid are up. */
export const GUEST_READY_MARKER = 'VIRTKIT-GUEST-READY';

const SCRIPT = resolve(__dirname, '../../scripts/build-test-guest.mjs');

/** Kernel and initramfs of the test guest. */
export interface TestGuest {
  kernel: string;
  initrd: string;
}

/** Why the guest cannot be had on this host, or undefined when it can. */
export function testGuestUnavailableReason(): string | undefined {
  if (!findExecutable('qemu-system-x86_64'))
    return 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)';
  const dir = process.env.VIRTKIT_TEST_GUEST_DIR ?? resolve(__dirname, '../../../../.cache/test-guest');
  const cached = existsSync(join(dir, 'vmlinuz')) && existsSync(join(dir, 'initramfs.gz'));
  if (!cached && !(findExecutable('apt-get') && findExecutable('dpkg-deb')))
    return 'no cached test guest and no apt-get/dpkg-deb to build one';
  return undefined;
}

/** Runs the (idempotent) build script and returns the paths it prints. */
export function buildTestGuest(): TestGuest {
  const output = execFileSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  const value = (key: string): string => {
    const match = output.match(new RegExp(`^${key}=(.+)$`, 'm'));
    if (!match?.[1]) throw new Error(`build-test-guest printed no ${key}`);
    return match[1];
  };
  return { kernel: value('VIRTKIT_TEST_GUEST_KERNEL'), initrd: value('VIRTKIT_TEST_GUEST_INITRD') };
}

/** Polls the serial log until `marker` appears; returns the matching line. */
export async function waitForSerial(
  path: string,
  marker: string,
  options: { timeoutMs: number; isAlive: () => boolean },
): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const line = text.split('\n').find((l) => l.includes(marker));
    if (line) return line.trim();
    if (!options.isAlive()) throw new Error(`QEMU exited before '${marker}'; serial log:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no '${marker}' in ${path} within ${options.timeoutMs} ms`);
}

/**
 * Where the tests put images, volumes and the test guest: allowed to their drivers (request paths are confined by
 * default).
 */
export const TEST_ALLOWED_DIRS: string[] = [
  realpathSync(tmpdir()),
  resolve(process.env.VIRTKIT_TEST_GUEST_DIR ?? resolve(__dirname, '../../../../.cache/test-guest')),
];
