#!/usr/bin/env node
/**
 * Builds a tiny Linux test guest for the QEMU driver's tests, from Debian
 * packages only: a kernel (`vmlinuz`) and a busybox initramfs (`initramfs.gz`).
 *
 * The packages are downloaded with `apt-get download` and unpacked with
 * `dpkg-deb -x`; nothing is installed except missing build tools (cpio,
 * xz-utils), via apt-get, and only when they are absent.
 *
 * The guest's /init mounts proc/sys/dev, loads the virtio modules (and the
 * ACPI button + evdev modules, so busybox `acpid` sees the power button and
 * QMP `system_powerdown` powers the guest off), prints
 * `VIRTKIT-GUEST-READY uptime=<seconds>` on the console (ttyS0 with
 * `console=ttyS0`), and keeps a shell on the console.
 *
 * Boot it with:
 *   qemu-system-x86_64 -machine q35,accel=tcg -m 256 -nodefaults -display none \
 *     -serial file:serial.log -kernel vmlinuz -initrd initramfs.gz \
 *     -append "console=ttyS0 panic=-1 quiet"
 *
 * Environment variables:
 *   VIRTKIT_TEST_GUEST_DIR             output and cache folder
 *                                      (default: <repo>/.cache/test-guest)
 *   VIRTKIT_TEST_GUEST_KERNEL_PACKAGE  exact kernel package to use
 *                                      (default: the newest linux-image-6.1.0-N-amd64 apt offers)
 *   VIRTKIT_TEST_GUEST_REBUILD=1       rebuild even when the cache is current
 *
 * Idempotent: when vmlinuz, initramfs.gz and stamp.json exist and the stamp
 * matches (this script's hash, kernel and busybox package versions), nothing
 * is rebuilt. Progress goes to stderr; stdout gets two shell-friendly lines:
 *   VIRTKIT_TEST_GUEST_KERNEL=<dir>/vmlinuz
 *   VIRTKIT_TEST_GUEST_INITRD=<dir>/initramfs.gz
 *
 * Usage: node packages/qemu/scripts/build-test-guest.mjs
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const SCRIPT = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(SCRIPT), '../../..');
const OUT_DIR = resolve(process.env.VIRTKIT_TEST_GUEST_DIR || join(REPO_ROOT, '.cache/test-guest'));
const KERNEL_PATTERN = /^linux-image-6\.1\.0-(\d+)-amd64$/;
const READY_MARKER = 'VIRTKIT-GUEST-READY';

/** Modules in load order: each depends only on earlier ones. Built-in ones are skipped. */
const MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_legacy_dev',
  'virtio_pci_modern_dev',
  'virtio_pci',
  'virtio_blk',
  'failover',
  'net_failover',
  'virtio_net',
  // the ACPI power button reaches acpid as an input event: button -> evdev -> /dev/input/eventN
  'button',
  'evdev',
];

const log = (message) => process.stderr.write(`[build-test-guest] ${message}\n`);

main();

function main() {
  const started = Date.now();
  const kernelPackage = process.env.VIRTKIT_TEST_GUEST_KERNEL_PACKAGE || pickKernelPackage();
  const versions = candidateVersions([kernelPackage, 'busybox-static']);
  const stamp = {
    recipe: createHash('sha256').update(fs.readFileSync(SCRIPT)).digest('hex'),
    kernelPackage,
    kernelVersion: versions.get(kernelPackage),
    busyboxVersion: versions.get('busybox-static'),
  };
  const outputs = {
    kernel: join(OUT_DIR, 'vmlinuz'),
    initrd: join(OUT_DIR, 'initramfs.gz'),
    stamp: join(OUT_DIR, 'stamp.json'),
  };
  if (process.env.VIRTKIT_TEST_GUEST_REBUILD !== '1' && isCurrent(outputs, stamp)) {
    log(`cache is current (${kernelPackage}); nothing to do`);
  } else {
    build(outputs, stamp);
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  process.stdout.write(`VIRTKIT_TEST_GUEST_KERNEL=${outputs.kernel}\nVIRTKIT_TEST_GUEST_INITRD=${outputs.initrd}\n`);
}

function build(outputs, stamp) {
  ensureTools();
  const work = fs.mkdtempSync(join(tmpdir(), 'virtkit-test-guest-'));
  try {
    log(`downloading ${stamp.kernelPackage} and busybox-static`);
    const debs = download(work, [stamp.kernelPackage, 'busybox-static']);
    const kernelRoot = unpack(debs[0], join(work, 'kernel'));
    const busyboxRoot = unpack(debs[1], join(work, 'busybox'));
    const tree = join(work, 'initramfs');
    const modules = buildTree(tree, { kernelRoot, busyboxRoot });
    log(`modules: ${modules.join(' ')}`);
    const initramfs = gzipSync(packCpio(tree), { level: 9 });
    fs.mkdirSync(OUT_DIR, { recursive: true });
    // write beside the target, then rename: a crashed build never leaves a half file that looks current
    writeAtomic(outputs.kernel, fs.readFileSync(findKernelImage(kernelRoot)));
    writeAtomic(outputs.initrd, initramfs);
    writeAtomic(outputs.stamp, JSON.stringify(stamp, null, 2) + '\n');
    log(`vmlinuz ${mib(outputs.kernel)}, initramfs.gz ${mib(outputs.initrd)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The newest `linux-image-6.1.0-N-amd64` apt knows, by N. */
function pickKernelPackage() {
  let names = searchKernelPackages();
  if (names.length === 0 && isRoot()) {
    log('no kernel package in the apt lists; running apt-get update');
    run('apt-get', ['update', '-q']);
    names = searchKernelPackages();
  }
  if (names.length === 0) {
    const depends = capture('apt-cache', ['depends', 'linux-image-amd64']);
    names = [...depends.matchAll(/Depends: (linux-image-6\.1\.0-\d+-amd64)\b/g)].map((m) => m[1]);
  }
  if (names.length === 0)
    throw new Error('no linux-image-6.1.0-*-amd64 package found (set VIRTKIT_TEST_GUEST_KERNEL_PACKAGE)');
  return names.sort((a, b) => Number(b.match(KERNEL_PATTERN)[1]) - Number(a.match(KERNEL_PATTERN)[1]))[0];
}

function searchKernelPackages() {
  const output = capture('apt-cache', ['search', '--names-only', '^linux-image-6.1.0-[0-9]+-amd64$']);
  return output
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => KERNEL_PATTERN.test(name));
}

/** Candidate versions by package name, from one `apt-cache show` (each call costs ~0.5 s). */
function candidateVersions(packages) {
  const versions = new Map();
  for (const paragraph of capture('apt-cache', ['show', '--no-all-versions', ...packages]).split(/\n\n+/)) {
    const name = paragraph.match(/^Package: (.+)$/m)?.[1];
    const version = paragraph.match(/^Version: (.+)$/m)?.[1];
    if (name && version) versions.set(name, version);
  }
  for (const pkg of packages) if (!versions.has(pkg)) throw new Error(`apt-cache knows no version of ${pkg}`);
  return versions;
}

function isCurrent(outputs, stamp) {
  if (!fs.existsSync(outputs.kernel) || !fs.existsSync(outputs.initrd) || !fs.existsSync(outputs.stamp)) return false;
  try {
    return JSON.stringify(JSON.parse(fs.readFileSync(outputs.stamp, 'utf8'))) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

/** Installs cpio and xz-utils through apt-get when their commands are missing. */
function ensureTools() {
  const missing = [
    ['cpio', 'cpio'],
    ['xz', 'xz-utils'],
  ]
    .filter(([cmd]) => !hasCommand(cmd))
    .map(([, pkg]) => pkg);
  for (const cmd of ['apt-get', 'apt-cache', 'dpkg-deb']) {
    if (!hasCommand(cmd)) throw new Error(`${cmd} is required (a Debian host)`);
  }
  if (missing.length === 0) return;
  if (!isRoot()) throw new Error(`missing tools; run: apt-get install ${missing.join(' ')}`);
  log(`installing ${missing.join(' ')}`);
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  if (install().status !== 0) {
    run('apt-get', ['update', '-q']);
    if (install().status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

function download(work, packages) {
  const dir = join(work, 'debs');
  fs.mkdirSync(dir);
  // as root apt would hand the download to the _apt user, who cannot write a private temp dir
  const sandbox = isRoot() ? ['-o', 'APT::Sandbox::User=root'] : [];
  run('apt-get', ['download', '-q', ...sandbox, ...packages], { cwd: dir });
  const files = fs.readdirSync(dir);
  return packages.map((pkg) => {
    const file = files.find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!file) throw new Error(`apt-get download produced no .deb for ${pkg}`);
    return join(dir, file);
  });
}

function unpack(deb, dir) {
  run('dpkg-deb', ['-x', deb, dir]);
  return dir;
}

/** Lays out the initramfs; returns the module names it will load, in order. */
function buildTree(tree, { kernelRoot, busyboxRoot }) {
  for (const d of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'dev',
    'proc',
    'sys',
    'tmp',
    'run',
    'root',
    'var/log',
    'lib/modules',
    'etc/acpi/PWRF',
  ]) {
    fs.mkdirSync(join(tree, d), { recursive: true });
  }
  installBusybox(tree, busyboxRoot);
  const modules = copyModules(tree, kernelRoot);
  writeExecutable(join(tree, 'init'), initScript(modules));
  // busybox acpid chdirs to /etc/acpi and runs PWRF/00000080 for KEY_POWER (its built-in tables)
  writeExecutable(
    join(tree, 'etc/acpi/PWRF/00000080'),
    '#!/bin/sh\necho "virtkit-guest: power button, powering off" >/dev/console\npoweroff -f\n',
  );
  fs.writeFileSync(join(tree, 'etc/hostname'), 'virtkit-guest\n');
  return modules;
}

function installBusybox(tree, busyboxRoot) {
  const source = [join(busyboxRoot, 'bin/busybox'), join(busyboxRoot, 'usr/bin/busybox')].find((p) => fs.existsSync(p));
  if (!source) throw new Error('busybox binary not found in busybox-static');
  fs.copyFileSync(source, join(tree, 'bin/busybox'));
  fs.chmodSync(join(tree, 'bin/busybox'), 0o755);
  const applets = capture(source, ['--list-full']).split('\n').filter(Boolean);
  for (const applet of applets) {
    const link = join(tree, applet);
    if (fs.existsSync(link) || applet === 'bin/busybox') continue;
    fs.mkdirSync(dirname(link), { recursive: true });
    fs.symlinkSync('/bin/busybox', link);
  }
}

/** Copies the modules that exist as files (decompressing .ko.xz/.ko.zst/.ko.gz); built-ins are skipped. */
function copyModules(tree, kernelRoot) {
  const modulesDir = ['lib/modules', 'usr/lib/modules'].map((d) => join(kernelRoot, d)).find((d) => fs.existsSync(d));
  if (!modulesDir) throw new Error('no lib/modules in the kernel package');
  const release = fs.readdirSync(modulesDir)[0];
  const byName = indexModules(join(modulesDir, release));
  const config = readKernelConfig(kernelRoot, release);
  const loaded = [];
  for (const name of MODULES) {
    const file = byName.get(name);
    if (!file) {
      if (isBuiltin(config, name)) continue;
      throw new Error(`module ${name} neither a file in the kernel package nor built in`);
    }
    fs.writeFileSync(join(tree, 'lib/modules', `${name}.ko`), decompressModule(file));
    loaded.push(name);
  }
  return loaded;
}

function indexModules(root) {
  const byName = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ko(\.(xz|zst|gz))?$/.test(entry.name))
        byName.set(entry.name.replace(/\.ko(\.\w+)?$/, '').replaceAll('-', '_'), path);
    }
  };
  walk(root);
  return byName;
}

function decompressModule(file) {
  if (file.endsWith('.ko')) return fs.readFileSync(file);
  const tool = file.endsWith('.xz') ? 'xz' : file.endsWith('.zst') ? 'zstd' : 'gzip';
  return execFileSync(tool, ['-dc', file], { maxBuffer: 64 << 20 });
}

function readKernelConfig(kernelRoot, release) {
  const path = join(kernelRoot, 'boot', `config-${release}`);
  return fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : '';
}

/** Whether the kernel config builds the module in; the symbol names we need are predictable. */
function isBuiltin(config, name) {
  const symbols = { button: 'ACPI_BUTTON', evdev: 'INPUT_EVDEV', failover: 'FAILOVER', net_failover: 'NET_FAILOVER' };
  const symbol = symbols[name] ?? name.toUpperCase();
  return new RegExp(`^CONFIG_${symbol}=y$`, 'm').test(config);
}

function findKernelImage(kernelRoot) {
  const boot = join(kernelRoot, 'boot');
  const image = fs.readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (!image) throw new Error('no boot/vmlinuz-* in the kernel package');
  return join(boot, image);
}

function initScript(modules) {
  return `#!/bin/sh
# virtkit test guest init, generated by ${basename(SCRIPT)}
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
exec 0</dev/console 1>/dev/console 2>&1
hostname -F /etc/hostname
for m in ${modules.join(' ')}; do
  insmod /lib/modules/$m.ko || echo "virtkit-guest: insmod $m failed"
done
# the power button arrives as /dev/input/eventN; acpid runs /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /var/log/acpid.log
echo "${READY_MARKER} uptime=$(cut -d' ' -f1 /proc/uptime)"
# keep a shell on the console; respawn it so init (PID 1) never exits
while true; do
  setsid cttyhack sh
  sleep 1
done
`;
}

/** `find . | cpio -o -H newc` with every file owned by root. */
function packCpio(tree) {
  const entries = ['.'];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      entries.push(relative(tree, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(tree);
  const result = spawnSync('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], {
    cwd: tree,
    input: entries.join('\n') + '\n',
    maxBuffer: 256 << 20,
  });
  if (result.status !== 0) throw new Error(`cpio failed: ${result.stderr}`);
  return result.stdout;
}

function writeExecutable(path, text) {
  fs.writeFileSync(path, text);
  fs.chmodSync(path, 0o755);
}

function writeAtomic(path, data) {
  const temp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(temp, data);
  fs.renameSync(temp, path);
}

function run(cmd, args, options = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
}

function capture(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function mib(path) {
  return `${(fs.statSync(path).size / 1048576).toFixed(1)} MiB`;
}
