#!/usr/bin/env node
// Serves @virtkit/memory for Nova's test suites: one serving process on loopback with the test harness, whose
// OpenHost creates a memory host (named after the Nova compute host) on one shared fabric, so live and cold
// migrations between the computes of one test really move instances between served hosts. Prints
// {"address": "127.0.0.1:<port>"} on stdout once listening; stops gracefully on SIGTERM/SIGINT or when stdin
// closes (so a killed parent never leaves it behind).
import { MEMORY_IMAGE_TYPES, MemoryDriver, MemoryFabric } from '@virtkit/memory';
import { serveDriver } from '@virtkit/remote';

/**
 * Nova's unit-test images are AMIs (with AKI/ARI kernel and ramdisk); the memory driver simulates a guest from
 * any image, so the hosts served for Nova's suites also declare the AMI family (their `COMPUTE_IMAGE_TYPE_*`
 * traits follow). Nothing else differs from @virtkit/memory.
 */
class NovaTestMemoryDriver extends MemoryDriver {
  static imageTypes = [...MEMORY_IMAGE_TYPES, 'aki', 'ari', 'ami'];
}

// One fabric per Nova test: when a test's last host closes, the next test starts on a fresh fabric (no host is
// left, so no guest, volume attachment or image of the earlier test can be; Nova's Cinder fixture reuses volume ids).
let fabric = new MemoryFabric();
const names = new Map();
const create = (hostApi) => {
  const hostname = hostApi.hostname ?? 'memory-host';
  const driver = new NovaTestMemoryDriver(hostApi, { fabric, hostname });
  names.set(driver, hostname);
  return driver;
};
// The served default driver only answers Describe; it stays off the tests' fabric so that one can empty.
const defaultHost = new NovaTestMemoryDriver(
  { hostname: 'virtkit-default' },
  { fabric: new MemoryFabric(), hostname: 'virtkit-default' },
);
const server = await serveDriver(defaultHost, {
  listen: process.argv[2] ?? '127.0.0.1:0',
  harness: {
    create,
    // The image store of these hosts stands for Nova's Glance fixture: an image Nova's tests create in Glance is
    // registered here under the same id (queued), so a snapshot uploads into it as it would into Glance.
    fixtures: {
      registerImage: (id) => {
        if (!fabric.images.has(id)) fabric.createImage(id);
        return { imageId: id };
      },
    },
    // A closed host leaves the fabric, so the next test can open a host of the same name.
    dispose: (driver) => {
      const host = fabric.host(names.get(driver));
      if (host) fabric.unregister(host);
      names.delete(driver);
      if (fabric.hosts.length === 0) fabric = new MemoryFabric();
    },
  },
});
process.stdout.write(`${JSON.stringify({ address: server.address })}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close({ graceMs: 1000 });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
