import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** Kernel and initramfs of the tiny test guest (`scripts/build-test-guest.mjs`). */
export interface TestGuestFiles {
  kernel: string;
  initrd: string;
}

/**
 * Locate the test guest, building it when it is not cached: the folder of
 * `VIRTKIT_TEST_GUEST_DIR`, else `<repo>/.cache/test-guest`. The build
 * script is idempotent and downloads Debian packages (needs apt-get).
 * @throws when the guest is not cached and cannot be built here
 */
export async function locateTestGuest(): Promise<TestGuestFiles> {
  const packageRoot = findPackageRoot();
  const dir = process.env.VIRTKIT_TEST_GUEST_DIR ?? resolve(packageRoot, '../../.cache/test-guest');
  const cached = { kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initramfs.gz') };
  if (existsSync(cached.kernel) && existsSync(cached.initrd)) return cached;
  const script = join(packageRoot, 'scripts/build-test-guest.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    timeout: 600_000,
    maxBuffer: 1 << 20,
    env: { ...process.env, VIRTKIT_TEST_GUEST_DIR: dir },
  });
  const value = (key: string): string => {
    const match = stdout.match(new RegExp(`^${key}=(.+)$`, 'm'));
    if (!match?.[1]) throw new Error(`build-test-guest printed no ${key}`);
    return match[1];
  };
  return { kernel: value('VIRTKIT_TEST_GUEST_KERNEL'), initrd: value('VIRTKIT_TEST_GUEST_INITRD') };
}

/**
 * The folder of @virtkit/qemu's package.json, from this file (src or dist) or, failing that, from the working
 * directory.
 */
function findPackageRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@virtkit/qemu'
    )
      return dir;
    dir = dirname(dir);
  }
  return dirname(createRequire(join(process.cwd(), 'noop.js')).resolve('@virtkit/qemu/package.json'));
}
