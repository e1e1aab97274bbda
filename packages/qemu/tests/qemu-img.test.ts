import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QemuImg } from '../src/runtime/qemu-img.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const imgIt = itUnless(findExecutable('qemu-img') ? undefined : 'qemu-img is not installed', 'qemu-img tests');

describe('QemuImg.createBlank (blank root disks without a qemu-img run each)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-img-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  imgIt('every copy is byte for byte what qemu-img creates for that size, and a valid qcow2 image', async () => {
    const img = new QemuImg('qemu-img');
    const GIB = 1024 ** 3;
    for (const [i, size] of [GIB, GIB, 2 * GIB, GIB].entries()) {
      const file = join(dir, `blank-${i}.qcow2`);
      const reference = join(dir, `reference-${i}.qcow2`);
      await img.createBlank(file, size);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', reference, String(size)]);
      expect(readFileSync(file).equals(readFileSync(reference))).toBe(true);
      execFileSync('qemu-img', ['check', '-q', file]);
      expect(await img.info(file)).toMatchObject({ format: 'qcow2', virtualSize: size });
    }
  });

  imgIt('a copy replaces an existing file, and a failed write is DRIVER_ERROR', async () => {
    const img = new QemuImg('qemu-img');
    const file = join(dir, 'disk.qcow2');
    await img.createBlank(file, 1024 ** 3);
    await img.createBlank(file, 1024 ** 3);
    expect((await img.info(file)).virtualSize).toBe(1024 ** 3);
    await expect(img.createBlank(join(dir, 'missing', 'disk.qcow2'), 1024 ** 3)).rejects.toMatchObject({
      code: 'DRIVER_ERROR',
    });
  });
});
