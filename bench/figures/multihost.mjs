// multihost.*: live migration of the booted test guest between two network-namespace hosts over TCP (NBD block
// mirror + migration stream, no shared disk), through virtkit (one in-process QEMU driver per host, the
// caller's liveMigrate protocol) vs a plain script sending the same QMP commands to QEMUs started with the
// driver's own argv (bench/lib/plain-migration.mjs). Opt-in (`npm run bench -- --only=multihost`): it needs
// root, namespaces and QEMU; without them each figure says "not measured" and why. Everything it starts is
// stopped and every namespace and directory removed, also when a figure fails.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { liveMigrate, PowerState } from '@virtkit/core';
import { locateTestGuest, QemuDriver } from '@virtkit/qemu';
import { alternate, median, ratioFigure, round, unmeasured } from '../lib/measure.mjs';
import { BENCH_BRIDGE, createBenchHosts, hostsUnavailableReason } from '../lib/plain-migration-hosts.mjs';
import {
  argvTemplate,
  bootPlainGuest,
  killPlainQemus,
  plainMigrate,
  ramFigures,
  stopPlainGuest,
} from '../lib/plain-migration.mjs';
import { processArgv } from '../lib/qemu-raw.mjs';

const TOTAL = 'multihost.liveMigrationTcp_vs_plainScript';
const DOWNTIME = 'multihost.liveMigrationTcpDowntime_vs_plainScript';
const POLLED = 'multihost.plainPolled20msDowntime_vs_plainScript';
/** The driver's `query-migrate` interval during the memory phase (`waitForMigration`), copied by the polled script. */
const DRIVER_POLL_MS = 20;
const READY = 'VIRTKIT-GUEST-READY';
const FLAVOR = { name: 'bench.multihost', vcpus: 1, memoryMb: 256, rootGb: 1 };
const ctx = {};

export async function measure({ quick }) {
  const reason = hostsUnavailableReason() ?? (await guestUnavailable());
  if (reason) return [TOTAL, DOWNTIME, POLLED].map((n) => unmeasured(n, reason, n === TOTAL ? '<= 1.15' : '-'));
  const rounds = quick ? 3 : 9; // a single migration here varies by ±15%: nine rounds keep the median steady
  const load = [os.loadavg()[0]];
  let topology;
  try {
    topology = createBenchHosts(); // removes what it made when it fails
  } catch (error) {
    const why = `network namespaces cannot be made here (${String(error.message).trim().slice(0, 200)})`;
    return [TOTAL, DOWNTIME, POLLED].map((n) => unmeasured(n, why, n === TOTAL ? '<= 1.15' : '-'));
  }
  const drivers = [];
  let plain;
  try {
    const hosts = topology.hosts;
    const guest = await locateTestGuest();
    for (const h of hosts) {
      const logs = [];
      const driver = new QemuDriver({
        hostname: h.name,
        logger: recordingLogger(logs),
        options: {
          stateDir: join(h.dir, 'v'),
          netns: h.netns,
          hostIp: h.ip,
          migrationTransport: 'tcp',
          allowedDirs: [dirname(guest.kernel)],
        },
      });
      drivers.push({ driver, logs, host: h });
      await driver.initHost(ctx, { host: h.name });
    }

    // virtkit's guest: the test guest, one bridge VIF, booted on h1
    const vif = {
      id: randomUUID(),
      address: '52:54:00:bb:43:01',
      type: 'bridge',
      devname: 'vkbv0',
      network: { id: 'provider', bridge: BENCH_BRIDGE },
    };
    const instance = { uuid: randomUUID(), name: 'bench-multihost', flavor: FLAVOR };
    const image = {
      name: 'test-guest',
      properties: {
        virtkit_kernel: guest.kernel,
        virtkit_initrd: guest.initrd,
        virtkit_kernel_args: 'console=ttyS0 panic=-1 quiet',
      },
    };
    await drivers[0].driver.spawn(ctx, { instance, imageMeta: image, networkInfo: [vif] });
    await untilConsole(drivers[0].driver, instance.uuid, READY);
    const boot = probe(drivers[0], instance.uuid, vif);
    const diskBytes = diskSize(join(boot.dir, 'disk.qcow2'));

    // one migration there and back through virtkit first: it gives the driver's incoming argv (the
    // destination's QEMU), which the script uses for its own destinations
    let virtkitAt = 0;
    const virtkitMigration = async () => {
      const from = drivers[virtkitAt];
      const to = drivers[1 - virtkitAt];
      from.logs.length = 0;
      const last = watchQueryMigrate(from.driver, instance.uuid);
      const t = performance.now();
      await liveMigrate(from.driver, to.driver, { instance, blockMigration: true, networkInfo: [vif] });
      await untilRunning(to.driver, instance.uuid);
      const totalMs = performance.now() - t;
      virtkitAt = 1 - virtkitAt;
      const fields = from.logs.find((l) => l.message === 'live migration completed')?.fields ?? {};
      if (typeof fields.downtimeMs !== 'number') throw new Error('the driver logged no downtime');
      return {
        totalMs,
        downtimeMs: fields.downtimeMs,
        memoryPhaseMs: fields.memoryPhaseMs,
        ram: ramFigures(last()),
      };
    };
    await virtkitMigration();
    const incoming = probe(drivers[1], instance.uuid, vif);
    if (!incoming.template.argv.includes('-incoming'))
      throw new Error("the destination's QEMU argv has no -incoming: cannot copy it");

    // the script's guest: the same spawn argv, its own directory, tap and MAC, booted on h1 as well
    plain = await bootPlainGuest({
      host: hosts[0],
      template: boot.template,
      tap: 'vkpl0',
      mac: '52:54:00:bb:43:02',
      diskBytes,
      readyMarker: READY,
    });
    const plainMigration = async (options) => {
      const to = hosts[plain.host === hosts[0] ? 1 : 0];
      const result = await plainMigrate(plain, to, incoming.template, options);
      plain = result.guest;
      return result;
    };

    load.push(os.loadavg()[0]);
    // `polled`: the script's guest again, with the driver's 20 ms query-migrate polling added (the suspect of
    // virtkit's longer downtime); the three variants take turns, in a rotating order
    const samples = await alternate(rounds, {
      virtkit: virtkitMigration,
      plain: () => plainMigration(),
      polled: () => plainMigration({ pollMs: DRIVER_POLL_MS }),
    });
    load.push(os.loadavg()[0]);
    const pick = (variant, key) => median(samples[variant].map((s) => s[key]));
    const list = (variant, key) => samples[variant].map((s) => round(s[key])).join(', ');
    const ram = (variant) => {
      const at = (key) => round(median(samples[variant].map((s) => s.ram[key])));
      return (
        `${at('normalMiB')} MiB of non-zero pages, ${at('zeroPages')} zero pages, ` +
        `${at('dirtySyncs')} dirty syncs, setup ${at('setupMs')} ms`
      );
    };
    const paired = median(samples.virtkit.map((s, i) => s.totalMs / samples.plain[i].totalMs));
    const where =
      `booted test guest (Linux, 256 MiB, TCG), 1 GiB qcow2 root disk, two network namespaces joined by veths ` +
      `through a bridge, TCP on the hosts' addresses; ${rounds} alternated migrations each (one warm-up each, not ` +
      `counted), back and forth; load average (1 min) ${load.map((l) => l.toFixed(2)).join(' -> ')} on ` +
      `${os.cpus().length} cores`;
    return [
      ratioFigure(
        TOTAL,
        pick('virtkit', 'totalMs'),
        pick('plain', 'totalMs'),
        'ms',
        '<= 1.15',
        `medians; ${where} (median of per-round ratios ${round(paired)}). virtkit = the caller's liveMigrate ` +
          '(destination and source checks, preLiveMigration, liveMigration, post steps) until getInfo at the ' +
          'destination says RUNNING; plain script = the same QMP commands by hand from the first step at the ' +
          'destination to the destination running, the source gone. ' +
          `Runs (ms): virtkit ${list('virtkit', 'totalMs')}; ` +
          `plain ${list('plain', 'totalMs')}. QEMU's memory phase (query-migrate total-time): virtkit ` +
          `${round(pick('virtkit', 'memoryPhaseMs'))} ms, plain ${round(pick('plain', 'memoryPhaseMs'))} ms. ` +
          `QEMU moved (medians of query-migrate's ram): virtkit ${ram('virtkit')}; plain ${ram('plain')}`,
      ),
      ratioFigure(
        DOWNTIME,
        pick('virtkit', 'downtimeMs'),
        pick('plain', 'downtimeMs'),
        'ms',
        '-',
        `informative; QEMU's own downtime (query-migrate after completion), medians; ${where}. Runs (ms): ` +
          `virtkit ${list('virtkit', 'downtimeMs')}; plain ${list('plain', 'downtimeMs')}`,
      ),
      ratioFigure(
        POLLED,
        pick('polled', 'downtimeMs'),
        pick('plain', 'downtimeMs'),
        'ms',
        '-',
        `informative; the plain script with query-migrate every ${DRIVER_POLL_MS} ms during the memory phase (as ` +
          `the driver polls) vs without, QEMU's own downtime, medians; both move the script's guest, alternated with ` +
          `virtkit; ${where}. Runs (ms): polled ${list('polled', 'downtimeMs')}; plain ` +
          `${list('plain', 'downtimeMs')}; total time polled ${round(pick('polled', 'totalMs'))} ms, plain ` +
          `${round(pick('plain', 'totalMs'))} ms`,
      ),
    ];
  } catch (error) {
    return [
      { name: TOTAL, value: null, unit: '-', target: '<= 1.15', note: `failed: ${error.message}` },
      { name: DOWNTIME, value: null, unit: '-', target: '-', note: `failed: ${error.message}` },
      { name: POLLED, value: null, unit: '-', target: '-', note: `failed: ${error.message}` },
    ];
  } finally {
    await stopPlainGuest(plain).catch(() => undefined);
    await Promise.allSettled(drivers.map((d) => d.driver.close()));
    await killPlainQemus();
    topology.destroy();
  }
}

async function guestUnavailable() {
  try {
    await locateTestGuest();
    return undefined;
  } catch (error) {
    return `the test guest is not built and cannot be built here (${error.message})`;
  }
}

/** The argv of an instance's QEMU (ip netns exec execs it: the pid is QEMU's), its directory, tap and MAC. */
function probe({ driver }, uuid, vif) {
  const dir = join(driver.stateRoot, uuid);
  const pid = driver.qemu.get(uuid).proc.pid;
  return { dir, template: argvTemplate(processArgv(pid), { dir, tap: vif.devname, mac: vif.address }) };
}

/**
 * Keep the last `query-migrate` answer the driver's source QEMU gives it (the driver polls it; its last one, after
 * completion, holds QEMU's figures): read-only, for the note. `qemu` is protected in TypeScript, not private.
 */
function watchQueryMigrate(driver, uuid) {
  const proc = driver.qemu.get(uuid).proc;
  const execute = proc.execute.bind(proc);
  let last;
  proc.execute = async (command, args, options) => {
    const answer = await execute(command, args, options);
    if (command === 'query-migrate') last = answer;
    return answer;
  };
  return () => last;
}

function diskSize(file) {
  return JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-U', file], { encoding: 'utf8' }))[
    'virtual-size'
  ];
}

function recordingLogger(lines) {
  const keep = (level) => (message, fields) => void lines.push({ level, message, fields });
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

async function untilConsole(driver, uuid, marker, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await driver.getConsoleOutput(ctx, { instance: { uuid } }).then(
      (o) => o.text,
      () => '',
    );
    if (text.includes(marker)) return;
    if (Date.now() > deadline) throw new Error(`the guest did not boot in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function untilRunning(driver, uuid, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await driver.getInfo(ctx, { instance: { uuid } })).state !== PowerState.RUNNING) {
    if (Date.now() > deadline) throw new Error(`instance ${uuid} did not reach RUNNING in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
