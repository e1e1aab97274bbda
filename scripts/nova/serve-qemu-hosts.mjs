#!/usr/bin/env node
// Serves @virtkit/qemu for Nova's functional tests: one serving process on loopback with the test harness, whose
// OpenHost creates a QEMU host named after the Nova compute host, with its own state directory (and so its own
// QEMU processes, QMP and migration sockets) under one private root. Live migrations between the computes of a
// test are real QEMU live migrations between two driver instances (disk mirrored over NBD, VM state over a unix
// socket). Prints {"address": "127.0.0.1:<port>", "root": <state root>} on stdout once listening; on SIGTERM /
// SIGINT or when stdin closes (so a killed parent never leaves it behind) it closes every host (stopping their
// QEMU processes) and removes the root.
//
// Every image of Nova's Glance fixture boots the tiny test guest (`npm run build-test-guest -w @virtkit/qemu`,
// cached in .cache/test-guest): a real Linux kernel and initramfs that answers ACPI, so create, stop/start
// (an ACPI power-off), pause, soft and hard reboot and live migration act on a running OS. A no-OS image would
// boot faster but would make a soft reboot and a graceful stop a plain reset/kill.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IMAGE_PROPERTIES, QemuDriver, locateTestGuest } from '@virtkit/qemu';
import { serveDriver } from '@virtkit/remote';

const guest = await locateTestGuest();
/** What every image of Nova's tests boots: the test guest, direct kernel boot, ACPI power button honoured. */
const TEST_GUEST_PROPERTIES = {
  [IMAGE_PROPERTIES.kernel]: guest.kernel,
  [IMAGE_PROPERTIES.initrd]: guest.initrd,
  [IMAGE_PROPERTIES.kernelArgs]: 'console=ttyS0 panic=-1 quiet',
  [IMAGE_PROPERTIES.guestAcpi]: 'yes',
};

/** The image of a request as the QEMU driver boots it: Nova's image id and name kept, the test guest booted. */
const asTestGuest = (imageMeta) =>
  imageMeta === undefined
    ? imageMeta
    : {
        ...(imageMeta.id === undefined ? {} : { id: imageMeta.id }),
        ...(imageMeta.name === undefined ? {} : { name: imageMeta.name }),
        diskFormat: 'raw',
        properties: TEST_GUEST_PROPERTIES,
      };

/** A VIF of Nova's fake Neutron (`ovs` on `br-int`) as the served test host plugs it: QEMU user-mode networking. */
const asUserVif = ({ devname: _devname, ...vif }) => ({ ...vif, type: 'user' });

/**
 * Guest memory of the served test hosts, at most: the test guest boots in 256 MiB, and under TCG on a loaded
 * machine a live migration of a 512 MiB guest (Nova's smallest flavor) takes about 16 s against about 4 s at
 * 256 MiB, while Nova's functional tests give a migration about 10 s. Placement still accounts the flavor.
 */
const GUEST_MEMORY_MB = 256;
const withGuestMemory = (instance) =>
  instance?.flavor?.memoryMb > GUEST_MEMORY_MB
    ? { ...instance, flavor: { ...instance.flavor, memoryMb: GUEST_MEMORY_MB } }
    : instance;

/** A request as the QEMU driver of a Nova test host sees it (see NovaTestQemuDriver). */
const forTestHost = (req) => {
  if (req === null || typeof req !== 'object' || Array.isArray(req)) return req;
  const out = { ...req };
  if (req.instance !== null && typeof req.instance === 'object') out.instance = withGuestMemory(req.instance);
  if ('imageMeta' in req) out.imageMeta = asTestGuest(req.imageMeta);
  if (Array.isArray(req.networkInfo)) out.networkInfo = req.networkInfo.map(asUserVif);
  if (req.vif !== null && typeof req.vif === 'object') out.vif = asUserVif(req.vif);
  return out;
};

/**
 * @virtkit/qemu as the hosts of Nova's functional tests run it. Nova's test images are AMIs, raw and VHD
 * files that exist nowhere on disk: every one boots the test guest instead (so the AMI family is declared too,
 * and the `COMPUTE_IMAGE_TYPE_*` traits follow). Nova's fake Neutron binds `ovs` ports on `br-int`, which this
 * machine does not have (and tests must not touch the host's networking): every VIF becomes a user-mode NIC
 * with the port's MAC. A guest gets at most GUEST_MEMORY_MB of memory. Nothing else differs from @virtkit/qemu:
 * every hook of the driver (`_spawn`, `_rebuild`, `_plugVifs`, `_attachInterface`, the migration hooks, ...)
 * gets the request rewritten so, then runs the QEMU driver's own code.
 */
class NovaTestQemuDriver extends QemuDriver {
  static imageTypes = [...QemuDriver.imageTypes, 'aki', 'ari', 'ami'];
}
const hooks = new Set();
for (let proto = QemuDriver.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (/^_[a-z]/.test(name) && typeof descriptor?.value === 'function') hooks.add(name);
  }
}
/** Hook calls that completed, and those that failed, by hook: printed when the server stops (evidence of what ran). */
const calls = {};
const failures = {};
const trace = process.env.VIRTKIT_NOVA_QEMU_TRACE === '1';
for (const name of hooks) {
  Object.defineProperty(NovaTestQemuDriver.prototype, name, {
    configurable: true,
    writable: true,
    value(ctx, req, ...rest) {
      if (trace)
        process.stderr.write(`serve-qemu-hosts: ${new Date().toISOString()} ${this.config.nodeName} ${name}\n`);
      const done = () => void (calls[name] = (calls[name] ?? 0) + 1);
      const failed = (error) => {
        failures[name] = (failures[name] ?? 0) + 1;
        if (trace)
          process.stderr.write(`serve-qemu-hosts: ${this.config.nodeName} ${name} failed: ${error?.stack ?? error}\n`);
        throw error;
      };
      let result;
      try {
        result = QemuDriver.prototype[name].call(this, ctx, forTestHost(req), ...rest);
      } catch (error) {
        failed(error);
      }
      // A synchronous helper stays synchronous; a hook's promise is followed.
      if (typeof result?.then !== 'function') return (done(), result);
      return result.then((value) => (done(), value), failed);
    },
  });
}

const root = mkdtempSync(join(tmpdir(), 'virtkit-nova-qemu-'));
// Images Nova's Glance fixture creates (snapshot targets) live in one image directory all hosts share, as one
// Glance serves every compute.
const imageDir = join(root, 'images');
mkdirSync(imageDir, { mode: 0o700 });
const stateDirs = new Map();
const drivers = new Set();
const create = (hostApi) => {
  const hostname = hostApi.hostname ?? 'qemu-host';
  const stateDir = mkdtempSync(join(root, `${hostname.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  const driver = new NovaTestQemuDriver({
    ...hostApi,
    hostname,
    options: {
      stateDir,
      imageDir,
      // Every compute of a test is its own node (placement names its resource provider after it).
      nodeName: hostname,
      hostIp: '127.0.0.1',
      allowedDirs: [dirname(guest.kernel)],
      // Nova's functional tests wait a few seconds at most; a guest that ignores the button is reset sooner.
      softRebootTimeoutSec: 10,
      // Migrations stay on loopback: lift QEMU's own default cap (128 MiB/s), which made them half again as slow.
      migration: { maxBandwidthBytesPerSec: 4 * 1024 ** 3 },
    },
  });
  stateDirs.set(driver, stateDir);
  drivers.add(driver);
  return driver;
};
const dispose = async (driver) => {
  if (!drivers.has(driver)) return;
  try {
    await driver.close();
  } finally {
    rmSync(stateDirs.get(driver), { recursive: true, force: true });
    stateDirs.delete(driver);
    drivers.delete(driver);
  }
};

let server;
let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  try {
    // The harness closes the hosts it opened (their QEMU processes stop); the default one is closed here.
    await server?.close({ graceMs: 1000 });
  } finally {
    await Promise.allSettled([...drivers].map(dispose));
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`virtkit-nova-qemu-calls ${JSON.stringify({ root, calls, failures })}\n`);
    process.exit(code);
  }
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();

try {
  server = await serveDriver(create({ hostname: 'virtkit-default' }), {
    listen: process.argv[2] ?? '127.0.0.1:0',
    harness: {
      create,
      fixtures: {
        // Nova's Glance fixture is mirrored here (nova_virtkit_tests.fixtures.ServedHosts.mirror_glance): an image
        // Nova's tests create is an empty image of the same id, which a snapshot then fills.
        registerImage: async (id) => {
          const [any] = drivers;
          await any.createImage(id).catch((error) => {
            if (error?.code !== 'CONFLICT') throw error;
          });
          return { imageId: id };
        },
      },
      dispose,
    },
  });
} catch (error) {
  process.stderr.write(`serve-qemu-hosts: ${error instanceof Error ? error.stack : String(error)}\n`);
  await stop(1);
}
process.stdout.write(`${JSON.stringify({ address: server.address, root })}\n`);
