import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { DriverError } from '@virtkit/core';

/** How many sizes of blank image {@link QemuImg.createBlank} keeps (a few hundred KiB each; flavors are few). */
const BLANK_SIZES_KEPT = 8;
/** The first bytes of every qcow2 file. */
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);

/** What `qemu-img info` says of an image. */
export interface ImageInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  backingFilename?: string;
  /** A qcow2's external data file. */
  dataFile?: string;
}

/** Longest `qemu-img info`: an image whose data file is a FIFO or a hung mount must not hold a call forever. */
const INFO_TIMEOUT_MS = 30_000;

/**
 * The `qemu-img` calls the driver needs. Arguments are passed as an argv
 * array (no shell); file names come from validated paths, and `--` is never
 * needed because every path is absolute.
 */
export class QemuImg {
  readonly #binary: string;
  readonly #blanks = new Map<number, Promise<Buffer>>();
  constructor(binary: string) {
    this.#binary = binary;
  }

  /**
   * A new blank qcow2 image of `sizeBytes` (replacing `file`). The first of
   * each size comes from `qemu-img create`; later ones are byte copies of it:
   * qemu-img writes the same bytes for the same size, and starting it costs
   * 15-30 ms of every spawn where writing the copy costs well under one.
   */
  async createBlank(file: string, sizeBytes: number): Promise<void> {
    const template = await this.#blanks.get(sizeBytes)?.catch(() => undefined);
    if (template) {
      return writeFile(file, template, { mode: 0o600 })
        .then(() => chmod(file, 0o600))
        .catch((error: Error) => {
          throw new DriverError('qemu-img create', `cannot write ${file}: ${error.message}`, { cause: error });
        });
    }
    await this.create(file, { sizeBytes });
    if (this.#blanks.has(sizeBytes) || this.#blanks.size >= BLANK_SIZES_KEPT) return;
    // read before QEMU opens the file; a copy that is not a plain qcow2 file is never kept
    const read = readFile(file).then((bytes) => {
      if (!bytes.subarray(0, 4).equals(QCOW2_MAGIC)) throw new Error('not a qcow2 image');
      return bytes;
    });
    this.#blanks.set(sizeBytes, read);
    await read.catch(() => this.#blanks.delete(sizeBytes));
  }

  /**
   * A new qcow2 image, blank or a copy-on-write overlay of `backing`.
   * With `unsafe`, the backing file is not opened (it may be in use by QEMU); `sizeBytes` is then required.
   */
  async create(
    file: string,
    options: { sizeBytes?: number; backing?: { file: string; format: string }; unsafe?: boolean },
  ): Promise<void> {
    const args = ['create', '-q', '-f', 'qcow2'];
    if (options.backing) args.push('-b', options.backing.file, '-F', options.backing.format);
    if (options.unsafe) args.push('-u');
    args.push(file);
    if (options.sizeBytes !== undefined) args.push(String(options.sizeBytes));
    await this.run(args);
    // qemu-img creates files as the umask allows (0644 usually): a guest's disk is its owner's only
    await chmod(file, 0o600);
  }

  /**
   * What qemu-img says of one image (its backing chain is not opened). With `format`, the image is
   * read as that format; without, qemu-img probes it.
   */
  async info(file: string, format?: string): Promise<ImageInfo> {
    const out = await this.run(
      ['info', '--output=json', '-U', ...(format ? ['-f', format] : []), file],
      undefined,
      INFO_TIMEOUT_MS,
    );
    const info = JSON.parse(out) as {
      format: string;
      'virtual-size': number;
      'actual-size'?: number;
      'backing-filename'?: string;
      'full-backing-filename'?: string;
      'format-specific'?: { data?: { 'data-file'?: string } };
    };
    const backing = info['backing-filename'] ?? info['full-backing-filename'];
    const dataFile = info['format-specific']?.data?.['data-file'];
    return {
      format: info.format,
      virtualSize: info['virtual-size'],
      actualSize: info['actual-size'] ?? 0,
      ...(backing !== undefined ? { backingFilename: backing } : {}),
      ...(dataFile !== undefined ? { dataFile } : {}),
    };
  }

  /** Grow an image to `sizeBytes` (never shrinks). */
  async resize(file: string, format: string, sizeBytes: number): Promise<void> {
    await this.run(['resize', '-q', '-f', format, file, String(sizeBytes)]);
  }

  /** Point an overlay at another backing file without copying (the data is known to be the same). */
  async rebase(file: string, backing: { file: string; format: string }): Promise<void> {
    await this.run(['rebase', '-q', '-u', '-f', 'qcow2', '-b', backing.file, '-F', backing.format, file]);
  }

  /** Copy the guest-visible data of `source` (and its backing chain) into the existing `target`. */
  async copyInto(source: string, target: string, targetFormat: string): Promise<void> {
    await this.run(['convert', '-n', '-O', targetFormat, source, target]);
  }

  /** Merge an overlay into its backing file. */
  async commit(file: string): Promise<void> {
    await this.run(['commit', '-q', file]);
  }

  /** Flatten `source` (and its backing chain) into a new qcow2 `target`, reporting 0-100. */
  async convert(source: string, target: string, onProgress: (percent: number) => void): Promise<void> {
    await this.run(['convert', '-p', '-O', 'qcow2', source, target], (chunk) => {
      for (const match of chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) onProgress(Number(match[1]));
    });
    await chmod(target, 0o600);
  }

  /** Run qemu-img; resolves with stdout. @throws `DRIVER_ERROR` with qemu-img's message. */
  run(args: string[], onStdout?: (chunk: string) => void, timeoutMs?: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#binary, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(timeoutMs ? { timeout: timeoutMs, killSignal: 'SIGKILL' as const } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        onStdout?.(d.toString());
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', (error) => reject(new DriverError(`qemu-img ${args[0]}`, error.message, { cause: error })));
      child.once('close', (code) => {
        if (code === 0) resolve(stdout);
        else
          reject(
            new DriverError(
              `qemu-img ${args[0]}`,
              stderr.trim() || (code === null ? 'killed (timed out)' : `exit code ${code}`),
            ),
          );
      });
    });
  }
}
