import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DriverError, MigrationError } from '@virtkit/core';
import { pidAlive, pollUntil, processArgs, signalProcess } from '../runtime/proc-utils.js';
import { inNetns } from './ip-command.js';

/** A root disk served read-only over NBD (TCP) for a cold migration's destination to copy. */
export interface DiskExport {
  /** The `qemu-nbd` daemon. */
  pid: number;
  /** `nbd://<ip>:<port>/<uuid>`: what the destination reads. */
  url: string;
}

/** `nbd://<IPv4>:<port>/<instance uuid>`: the only form a destination accepts (it becomes a qemu-img argument). */
export const DISK_EXPORT_URL =
  /^nbd:\/\/((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const PID_FILE = 'disk-export.pid';
const START_TIMEOUT_MS = 15_000;

function run(binary: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${String(stdout)}${String(stderr)}`.trim() || String(error?.message ?? '') }),
    );
  });
}

/**
 * Serve `disk` (qcow2, its backing chain merged) read-only over NBD on `hostIp`, from inside `netns`:
 * `qemu-nbd --fork` returns once it listens. QEMU's tools cannot report a port they pick, so a
 * random one is tried until one is free. Unauthenticated and unencrypted, like TCP migrations: for
 * a trusted migration network.
 * @throws `DRIVER_ERROR` when qemu-nbd cannot serve it
 */
export async function exportDisk(o: {
  qemuNbd: string;
  netns: string | undefined;
  hostIp: string;
  dir: string;
  disk: string;
  uuid: string;
}): Promise<DiskExport> {
  const pidFile = join(o.dir, PID_FILE);
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    await rm(pidFile, { force: true });
    const args = [
      '--read-only',
      '--persistent',
      '--shared=4',
      '--fork',
      '--format=qcow2',
      `--bind=${o.hostIp}`,
      `--port=${port}`,
      `--export-name=${o.uuid}`,
      `--pid-file=${pidFile}`,
      o.disk,
    ];
    const command = inNetns(o.netns, o.qemuNbd, args);
    const result = await run(command.binary, command.args, START_TIMEOUT_MS);
    if (result.ok) {
      const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
      if (!Number.isInteger(pid) || !pidAlive(pid)) {
        throw new DriverError('migrateDiskAndPowerOff', 'qemu-nbd started but left no live daemon');
      }
      return { pid, url: `nbd://${o.hostIp}:${port}/${o.uuid}` };
    }
    if (attempt >= 20 || !/in use/i.test(result.output)) {
      throw new DriverError('migrateDiskAndPowerOff', `qemu-nbd cannot serve the disk: ${result.output.slice(-500)}`);
    }
  }
}

/** Stop a disk export (only a qemu-nbd serving this directory's disk is signalled). Idempotent. */
export async function stopDiskExport(exported: Pick<DiskExport, 'pid'> | undefined, dir: string): Promise<void> {
  if (!exported) return;
  const pid = exported.pid;
  if (pidAlive(pid) && processArgs(pid)?.some((a) => a.includes(dir))) {
    signalProcess(pid, 'SIGTERM');
    if (!(await pollUntil(() => !pidAlive(pid), 3000, 20))) signalProcess(pid, 'SIGKILL');
  }
  await rm(join(dir, PID_FILE), { force: true });
}

/**
 * Copy an exported disk (`nbd://...`) into `target` (qcow2), from inside `netns`.
 * @throws `MIGRATION_FAILED` when the copy fails (the caller checked the URL against DISK_EXPORT_URL)
 */
export async function copyExportedDisk(o: {
  qemuImg: string;
  netns: string | undefined;
  url: string;
  target: string;
  timeoutMs: number;
}): Promise<void> {
  const command = inNetns(o.netns, o.qemuImg, ['convert', '-q', '-f', 'raw', '-O', 'qcow2', o.url, o.target]);
  const result = await run(command.binary, command.args, o.timeoutMs);
  if (!result.ok) throw new MigrationError(`cannot copy the root disk from ${o.url}: ${result.output.slice(-500)}`);
}
