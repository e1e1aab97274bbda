// The baseline of the multihost figure: a plain script doing by hand, over raw QMP (bench/lib/qemu-raw.mjs,
// none of @virtkit/qemu), the TCP block live migration the QEMU driver does between two namespace hosts. It
// starts QEMU with the argv the driver gave its own processes (read from /proc, paths, tap and MAC moved to
// the script's), and sends the QMP commands the driver sends (packages/qemu/src/capabilities/migration-*.ts),
// in the same order, to the same kind of TCP endpoints on the hosts' addresses.
import { execFile, spawn } from 'node:child_process';
import { readFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BENCH_BRIDGE, ipIn } from './plain-migration-hosts.mjs';
import { RawQmp, stopRawQemu } from './qemu-raw.mjs';

const run = promisify(execFile);
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
// the driver's names (capabilities/migration/migration-live.ts): the very same commands on both sides
const MIRROR_JOB = 'virtkit-migration-mirror';
const NBD_NODE = 'virtkit-migration-target';

/**
 * What the script copies from the driver: a QEMU argv (binary first) and the instance directory, tap and
 * MAC it names, to be replaced by the script's own.
 */
export function argvTemplate(argv, { dir, tap, mac }) {
  return { argv, dir, tap, mac };
}

function instantiate(template, { dir, tap, mac }) {
  return template.argv.map((a) =>
    a.split(template.dir).join(dir).split(template.tap).join(tap).split(template.mac).join(mac),
  );
}

/** The script's tap: made, on the host's bridge, up (what the driver's plugVifs does, without its bookkeeping). */
function addTap(host, tap) {
  ipIn(host, ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  ipIn(host, ['link', 'set', 'dev', tap, 'master', BENCH_BRIDGE]);
  ipIn(host, ['link', 'set', 'dev', tap, 'up']);
}

function removeTap(host, tap) {
  try {
    ipIn(host, ['link', 'del', 'dev', tap]);
  } catch {
    // already gone
  }
}

const LIVE = new Set();
process.once('exit', () => {
  for (const child of LIVE) child.kill('SIGKILL');
});

/**
 * Start QEMU inside the host's namespace in a session of its own, as the driver starts the QEMUs of a driver with
 * a `stateDir` (`detached`: they outlive it). It matters on a loaded machine: with the scheduler's autogroups
 * (`/proc/sys/kernel/sched_autogroup_enabled`), each session shares the CPU as one group, so QEMUs left in
 * this script's session would share one group's time while the driver's each get a group of their own (measured:
 * the same migration 1.7x slower). Connects to its QMP socket. @returns what `stopRawQemu` takes
 */
async function startInNetns(host, argv, dir) {
  const child = spawn('ip', ['netns', 'exec', host.netns, ...argv], { stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  LIVE.add(child);
  void exited.then(() => LIVE.delete(child));
  try {
    const qmp = await RawQmp.connect(join(dir, 'qmp.sock'));
    return { child, qmp, exited, pid: child.pid };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

/** SIGKILL every QEMU this script started that still runs; resolves when they are gone. */
export async function killPlainQemus() {
  const all = [...LIVE];
  for (const child of all) child.kill('SIGKILL');
  await Promise.all(all.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : 0)));
}

/** The script's guest directory on a host (short: QEMU's unix sockets live in it); `name` tells guests apart. */
function guestDir(host, name) {
  return join(host.dir, name);
}

async function freshDir(dir) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { mode: 0o700 });
}

/**
 * Boot the script's guest on `host` with the driver's spawn argv (it has -S: `cont`, as the driver does), and
 * wait until its serial log shows `readyMarker`. @returns the guest: `{ host, dir, qemu, tap, mac, diskBytes }`
 */
export async function bootPlainGuest({
  host,
  template,
  tap,
  mac,
  diskBytes,
  readyMarker,
  name = 'p',
  timeoutMs = 180_000,
}) {
  const dir = guestDir(host, name);
  await freshDir(dir);
  addTap(host, tap);
  let qemu;
  try {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'disk.qcow2'), String(diskBytes)]);
    qemu = await startInNetns(host, instantiate(template, { dir, tap, mac }), dir);
    await qemu.qmp.execute('cont');
    const deadline = Date.now() + timeoutMs;
    while (!(await readFile(join(dir, 'serial.log'), 'utf8').catch(() => '')).includes(readyMarker)) {
      if (Date.now() > deadline) throw new Error(`the plain script's guest did not boot in ${timeoutMs} ms`);
      await sleep(200);
    }
    return { host, dir, qemu, tap, mac, diskBytes, name };
  } catch (error) {
    await stopRawQemu(qemu);
    removeTap(host, tap);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stop the script's guest and remove its tap and directory. Idempotent. */
export async function stopPlainGuest(guest) {
  if (!guest) return;
  await stopRawQemu(guest.qemu);
  removeTap(guest.host, guest.tap);
  await rm(guest.dir, { recursive: true, force: true });
}

/**
 * One TCP block live migration of `guest` to host `to`, by hand. Timed from the first step at the destination
 * to the destination running with the source gone, like the driver's protocol end to end:
 * destination: tap, empty qcow2 of the same size, QEMU with the driver's incoming argv (`-incoming defer`, no
 * -S), `nbd-server-start` (inet, the host's address, a random port, retried when in use), `block-export-add`,
 * `migrate-incoming tcp:<ip>:0` and `query-migrate` for the port; source: `blockdev-add` (nbd, inet),
 * `blockdev-mirror` (sync top, write-blocking), BLOCK_JOB_READY, `migrate-set-capabilities` (events),
 * `migrate tcp:...`, MIGRATION completed, `query-migrate` (QEMU's total time and downtime), `block-job-cancel`
 * (force false) until BLOCK_JOB_COMPLETED, `blockdev-del`, `quit` and wait for the exit, tap and directory
 * removed; destination: `nbd-server-stop`, `query-status` until running.
 * With `pollMs`, the source is also asked `query-migrate` every `pollMs` during the memory phase, as the driver
 * does (`waitForMigration`): the experiment that tells whether that polling costs downtime.
 * @returns `{ guest (now on `to`), totalMs, downtimeMs, memoryPhaseMs }`
 */
export async function plainMigrate(guest, to, incomingTemplate, { pollMs } = {}) {
  const src = guest.qemu;
  const dir = guestDir(to, guest.name);
  let dst;
  let tapMade = false;
  const t0 = performance.now();
  try {
    await freshDir(dir);
    addTap(to, guest.tap);
    tapMade = true;
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'disk.qcow2'), String(guest.diskBytes)]);
    dst = await startInNetns(to, instantiate(incomingTemplate, { dir, tap: guest.tap, mac: guest.mac }), dir);
    const nbd = await startNbdServer(dst.qmp, to.ip);
    await dst.qmp.execute('block-export-add', {
      type: 'nbd',
      id: 'virtkit-migration',
      'node-name': 'root',
      name: 'root',
      writable: true,
    });
    await dst.qmp.execute('migrate-incoming', { uri: `tcp:${to.ip}:0` });
    const listening = (await dst.qmp.execute('query-migrate'))['socket-address']?.[0];
    if (!listening) throw new Error('the destination reports no listening address');
    const uri = `tcp:${listening.host}:${listening.port}`;

    // disk phase (every wait registered before the command that causes it)
    const ofJob = (m) => m.data.device === MIRROR_JOB;
    const ready = quiet(src.qmp.waitForEvent('BLOCK_JOB_READY', ofJob, 600_000));
    const ended = quiet(src.qmp.waitForEvent(['BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED'], ofJob, 600_000));
    const endedEarly = quiet(
      ended.then((m) => {
        throw new Error(`the mirror ended before it was ready: ${m.event}`);
      }),
    );
    await src.qmp.execute('blockdev-add', {
      driver: 'nbd',
      'node-name': NBD_NODE,
      server: { type: 'inet', host: nbd.host, port: nbd.port },
      export: 'root',
    });
    await src.qmp.execute('blockdev-mirror', {
      'job-id': MIRROR_JOB,
      device: 'root',
      target: NBD_NODE,
      sync: 'top',
      'copy-mode': 'write-blocking',
    });
    await Promise.race([ready, endedEarly]);

    // memory phase
    await src.qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    const done = quiet(src.qmp.waitForEvent('MIGRATION', (m) => TERMINAL.has(m.data.status), 600_000));
    await src.qmp.execute('migrate', { uri });
    let polling = pollMs !== undefined;
    const poller = (async () => {
      while (polling) {
        await sleep(pollMs);
        if (polling) await src.qmp.execute('query-migrate').catch(() => undefined);
      }
    })();
    const { data } = await done.finally(() => (polling = false));
    await poller;
    if (data.status !== 'completed') throw new Error(`the plain migration ended ${data.status}`);
    const figures = await finalFigures(src.qmp);

    // the source lets go: the mirror ends without a pivot, the NBD client goes, QEMU quits
    await src.qmp.execute('block-job-cancel', { device: MIRROR_JOB, force: false });
    const end = await ended;
    if (end.event !== 'BLOCK_JOB_COMPLETED' || end.data.error)
      throw new Error(`the mirror ended with ${end.event} ${end.data.error ?? ''}`);
    await src.qmp.execute('blockdev-del', { 'node-name': NBD_NODE });
    await stopRawQemu(src);
    removeTap(guest.host, guest.tap);
    await rm(guest.dir, { recursive: true, force: true });

    // the destination: the stream is in, the export goes, the guest runs
    await dst.qmp.execute('nbd-server-stop');
    const deadline = Date.now() + 30_000;
    while ((await dst.qmp.execute('query-status')).status !== 'running') {
      if (Date.now() > deadline) throw new Error('the destination did not run');
      await sleep(1);
    }
    const totalMs = performance.now() - t0;
    return {
      guest: { ...guest, host: to, dir, qemu: dst },
      totalMs,
      downtimeMs: figures.downtime,
      memoryPhaseMs: figures['total-time'],
      ram: ramFigures(figures),
    };
  } catch (error) {
    // the source keeps the guest; the destination goes
    await stopRawQemu(dst);
    if (tapMade) removeTap(to, guest.tap);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `nbd-server-start` on a random port of `ip` (QEMU cannot report one it picks), again while the port is in use. */
async function startNbdServer(qmp, ip) {
  for (let attempt = 0; ; attempt++) {
    const port = String(20_000 + Math.floor(Math.random() * 40_000));
    try {
      await qmp.execute('nbd-server-start', { addr: { type: 'inet', data: { host: ip, port } } });
      return { host: ip, port };
    } catch (error) {
      if (attempt >= 20 || !/in use/i.test(error.message)) throw error;
    }
  }
}

/** QEMU computes total time and downtime a moment after it says completed: ask until they are there. */
async function finalFigures(qmp) {
  let info = await qmp.execute('query-migrate');
  for (let i = 0; i < 25 && !info['total-time']; i++) {
    await sleep(20);
    info = await qmp.execute('query-migrate');
  }
  return info;
}

/** What QEMU moved in the memory phase (query-migrate's `ram`), to check both sides moved the same. */
export function ramFigures(info) {
  const ram = info?.ram ?? {};
  return {
    normalMiB: (ram['normal-bytes'] ?? 0) / 2 ** 20,
    zeroPages: ram.duplicate ?? 0,
    dirtySyncs: ram['dirty-sync-count'] ?? 0,
    setupMs: info?.['setup-time'] ?? 0,
  };
}

function quiet(promise) {
  promise.catch(() => undefined);
  return promise;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
