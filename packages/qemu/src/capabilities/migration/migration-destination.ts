import {
  InstanceExistsError,
  MigrationError,
  type CheckCanLiveMigrateDestinationRequest,
  type MigrateData,
  type PreLiveMigrationRequest,
} from '@virtkit/core';
import { createServer, type AddressInfo } from 'node:net';
import { armIncomingWatchdog } from '../../runtime/incoming-watchdog.js';
import { importMeta } from '../../runtime/migrated-meta.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid } from '../../runtime/safe-values.js';
import { checkMetaFiles } from '../../runtime/tenant-files.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { VmProcess } from '../../runtime/vm-process.js';
import { createRootDisk } from '../lifecycle/instances.js';
import { deviceExists } from '../../network/tap-devices.js';

/** What the QEMU driver keeps in `MigrateData.driverData.qemu`. */
export interface QemuMigrationData {
  /** The source's device configuration (from the source check). */
  meta?: unknown;
  /** Virtual size of the source's root disk, which the destination's copy must match. */
  rootDiskBytes?: number;
  /** Where the destination exports the root disk over NBD (from pre-migration): `unix:<path>` or `tcp:<ip>:<port>`. */
  nbd?: string;
}

/** The driver's part of migrate data. */
export function qemuData(data: MigrateData | undefined): QemuMigrationData {
  const raw = data?.driverData?.qemu;
  return typeof raw === 'object' && raw !== null ? (raw as QemuMigrationData) : {};
}

/**
 * `_checkCanLiveMigrateDestination`: this host has QEMU and not the instance
 * already; instance files are local, so the disk is copied (block migration).
 * @throws `MIGRATION_FAILED`
 */
export async function checkDestination(
  host: QemuHost,
  req: CheckCanLiveMigrateDestinationRequest,
): Promise<MigrateData> {
  if (host.find(req.instance.uuid))
    throw new MigrationError(`instance ${req.instance.uuid} already exists on this host`);
  return {
    blockMigration: true,
    isSharedInstancePath: false,
    isSharedBlockStorage: false,
    isVolumeBacked: false,
    driverData: { qemu: {} },
  };
}

/**
 * `_preLiveMigration`: an identical QEMU (same devices, same order) started
 * with `-incoming`, an empty root disk of the same size exported over NBD
 * for the source to mirror into, and the migration socket; its taps are made first (on the bridges
 * the source's VIFs name). The instance is marked as arriving until `postLiveMigrationAtDestination`; until
 * then its QEMU dies with this driver's process (a driver that starts on the state directory later removes
 * what is left of an arrival: see `QemuHost.init`).
 * @throws `VALIDATION_FAILED` (the source's configuration), `INSTANCE_EXISTS`, `MIGRATION_FAILED` (a tap
 *   of the instance already exists here: both ends in one network namespace)
 */
export async function preLiveMigration(host: QemuHost, req: PreLiveMigrationRequest): Promise<MigrateData> {
  const data = qemuData(req.migrateData);
  const meta = importMeta(data.meta, req.instance.uuid);
  if (!Number.isInteger(data.rootDiskBytes) || (data.rootDiskBytes as number) <= 0)
    throw invalid('migrateData.driverData.qemu.rootDiskBytes', 'must be a positive integer');
  if (host.find(meta.uuid)) throw new InstanceExistsError(meta.uuid);
  // a tap of that name here is the source's own (one namespace for both ends): two QEMUs cannot share it
  for (const nic of meta.nics) {
    if (nic.tap !== undefined && (await deviceExists(host.config.netns, nic.tap))) {
      throw new MigrationError(
        `host device ${nic.tap} already exists here: both ends share one network namespace ` +
          '(give each QEMU driver its own netns)',
      );
    }
  }
  // the source's metadata names host files: they pass the same checks as a spawn's
  const base = await checkMetaFiles(host, meta, 'migrateData.driverData.qemu.meta');
  meta.incomingMigration = true;
  const vm = await host.create(meta);
  try {
    await createRootDisk(host, vm, vm.file(VM_FILES.rootDisk), meta.boot, { exactBytes: data.rootDiskBytes, base });
    // no -S: once the stream is in, QEMU runs the guest if the source ran it, and keeps it paused otherwise
    const proc = await vm.busy(() => vm.start({ incoming: true, autostart: true }));
    // until it has arrived (post) or is rolled back, this QEMU dies with this driver's process
    armIncomingWatchdog(vm.dir, proc.pid);
    const tcp = host.config.migrationTransport === 'tcp';
    const nbd = tcp
      ? await startTcpNbdServer(proc, host.config.hostIp, host.config.netns)
      : `unix:${vm.file('nbd.sock')}`;
    if (!tcp) await proc.execute('nbd-server-start', { addr: legacySocketAddress(nbd) });
    await proc.execute('block-export-add', {
      type: 'nbd',
      id: 'virtkit-migration',
      'node-name': 'root',
      name: 'root',
      writable: true,
    });
    await proc.execute('migrate-incoming', {
      uri: tcp ? `tcp:${host.config.hostIp}:0` : `unix:${vm.file('migrate.sock')}`,
    });
    const targetConnectAddr = tcp ? await listeningAddress(proc) : `unix:${vm.file('migrate.sock')}`;
    return {
      ...req.migrateData,
      targetConnectAddr,
      driverData: { ...req.migrateData.driverData, qemu: { ...data, nbd } },
    };
  } catch (error) {
    await vm.stopProcess('kill');
    await host.remove(vm);
    throw error;
  }
}

/** The QMP (legacy, nbd-server-start) form of `unix:<path>` / `tcp:<host>:<port>`. */
export function legacySocketAddress(uri: string): Record<string, unknown> {
  if (uri.startsWith('unix:')) return { type: 'unix', data: { path: uri.slice(5) } };
  const [, host, port] = uri.match(/^tcp:(.+):(\d+)$/) ?? [];
  return { type: 'inet', data: { host, port } };
}

/** The port QEMU picked for `migrate-incoming tcp:<ip>:0`. */
async function listeningAddress(proc: VmProcess): Promise<string> {
  const info = await proc.execute<{ 'socket-address'?: { host: string; port: string }[] }>('query-migrate');
  const address = info['socket-address']?.[0];
  if (!address) throw new MigrationError('QEMU reports no listening address for the incoming migration');
  return `tcp:${address.host}:${address.port}`;
}

/**
 * Start QEMU's NBD server on a TCP port of `hostIp`; returns its address. QEMU cannot report a port it
 * picks, so one is chosen: free right now when the driver shares QEMU's namespace, else at random
 * (QEMU lives in another namespace: the driver cannot probe it) with retries on a port in use.
 */
async function startTcpNbdServer(proc: VmProcess, hostIp: string, netns: string | undefined): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const port = netns === undefined ? await freePort(hostIp) : 20_000 + Math.floor(Math.random() * 40_000);
    const nbd = `tcp:${hostIp}:${port}`;
    try {
      await proc.execute('nbd-server-start', { addr: legacySocketAddress(nbd) });
      return nbd;
    } catch (error) {
      if (attempt >= 20 || !/in use/i.test(String((error as Error).message))) throw error;
    }
  }
}

/** A TCP port free right now on `host` (QEMU's NBD server cannot report the one it picks). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
