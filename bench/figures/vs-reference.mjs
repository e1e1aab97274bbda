// vs_reference.memory.*: virtkit's public calls on @virtkit/memory against the reference's own in-memory driver
// (Nova's nova.virt.fake.FakeDriver, Python, called bare), the same phases on the same instance shapes at 1k and
// 100k instances, alternated in one run, medians of 3 rounds; ratio = virtkit / reference (CPU time per call).
// Also the driver's hooks called directly (what the driver costs without the SDK), per-op growth from 1k to 100k,
// heap per instance, and two floors (vs_reference.memory.floor.*): an awaited lookup of the request's instance with
// nothing else, and the machine's latency of one lookup when misses cannot overlap.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MemoryDriver } from '@virtkit/memory';
import { median, ratioFigure, round, unmeasured, valueFigure } from '../lib/measure.mjs';
import { now, OPS, REPEAT_UNTIL, requests, virtkitRound } from '../lib/vs-reference-phases.mjs';

// Debian's interpreter, where python3-nova installs; not whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-nova';
const TARGET = { getInfo: '<= 0.5', powerOff: '<= 0.5', powerOn: '<= 0.5' };

/** The reference's side: one long-lived Python process, one JSON line per round. */
function reference() {
  if (!existsSync(PYTHON)) return undefined;
  try {
    execFileSync(PYTHON, ['-c', 'import nova.virt.fake'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const child = spawn(PYTHON, [fileURLToPath(new URL('../lib/nova-fake.py', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async round(n) {
      child.stdin.write(`${n}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error('the reference process ended');
      return JSON.parse(value);
    },
    close: () => child.stdin.end(),
  };
}

/** Control for the 100k/1k figures: a bare Map.get with the same scattered order (the CPU cache, not virtkit). */
function mapControl(n) {
  const map = new Map();
  const keys = [];
  for (let i = 0; i < n; i++) {
    const k = randomUUID();
    keys.push(k);
    map.set(k, { state: 1, vcpus: 1, memoryMb: 64, name: `vm-${i}` });
  }
  let sink = 0;
  const reps = Math.max(1, Math.floor(2_000_000 / n));
  const t = now();
  for (let r = 0; r < reps; r++) for (let i = 0, k = 0; k < n; k++) sink += map.get(keys[(i = (i + 7919) % n)]).state;
  if (sink < 0) throw new Error('unreachable');
  return (now() - t) / (reps * n);
}

/**
 * The floor under every per-instance call at this size, on this machine's memory: an awaited `Map.get` of the
 * request's uuid (the request read from the same pool, in the same scattered order; a table of n small records
 * built just before, so laid out better than any driver's). No validation, no SDK, no driver: what a call that
 * is `async` and finds its instance by uuid costs at least. ns per call, CPU time, mean over the phase.
 */
async function awaitedLookup(reqs, n) {
  const table = new Map();
  for (const r of reqs.spawnReqs) table.set(r.instance.uuid, { state: 1 });
  const { refs, order } = reqs;
  const reps = Math.max(1, Math.floor(REPEAT_UNTIL / n));
  let sink = 0;
  const t = now();
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < n; k++) sink += (await table.get(refs[order[k]].instance.uuid)).state;
  }
  if (sink < 0) throw new Error('unreachable');
  return (now() - t) / (reps * n);
}

/**
 * The machine's memory latency at this size: `Map.get`s in a dependent chain (each key chosen by the previous
 * answer), so the CPU cannot overlap their cache misses as it does in a loop of independent reads. ns per lookup.
 */
function dependentLookup(n) {
  const keys = [];
  const table = new Map();
  for (let i = 0; i < n; i++) keys.push(randomUUID());
  // One cycle through all n keys in random order (Sattolo's shuffle), so the chain never settles in the cache.
  const next = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * i);
    [next[i], next[j]] = [next[j], next[i]];
  }
  for (let i = 0; i < n; i++) table.set(keys[i], next[i]);
  const steps = Math.max(200_000, n);
  let at = 0;
  const t = now();
  for (let s = 0; s < steps; s++) at = table.get(keys[at]);
  if (at < 0) throw new Error('unreachable');
  return (now() - t) / steps;
}

const medianOf = (rounds, op) => median(rounds.map((r) => r[op]));
const label = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));

export async function measure({ quick }) {
  const sizes = [1_000, 100_000];
  const rounds = quick ? 1 : 3;
  const ref = reference();
  const samples = Object.fromEntries(sizes.map((n) => [n, { public: [], hooks: [], reference: [], floor: [] }]));
  try {
    // Warm-up (not counted): compiled code and the validator caches, on both sides.
    const warm = requests(1_000);
    await virtkitRound(MemoryDriver, 1_000, warm, 'public');
    await virtkitRound(MemoryDriver, 1_000, warm, 'hooks');
    if (ref) await ref.round(1_000);
    for (const n of sizes) {
      const reqs = requests(n);
      for (let r = 0; r < rounds; r++) {
        // Alternate who goes first, so drift falls on both sides alike.
        const order = r % 2 === 0 ? ['public', 'hooks', 'reference'] : ['reference', 'hooks', 'public'];
        for (const side of order) {
          if (side !== 'reference') samples[n][side].push(await virtkitRound(MemoryDriver, n, reqs, side));
          else if (ref) samples[n].reference.push(await ref.round(n));
        }
        samples[n].floor.push(await awaitedLookup(reqs, n));
      }
    }
  } finally {
    ref?.close();
  }
  const figures = [];
  const how = `${rounds === 1 ? 'one round (--quick)' : `median of ${rounds} alternated rounds`}`;
  for (const op of OPS) {
    const unit = op === 'listInstances' ? 'ns/call (whole listing)' : 'ns/op';
    for (const n of sizes) {
      const s = samples[n];
      const mine = medianOf(s.public, op);
      const direct = medianOf(s.hooks, op);
      const name = `vs_reference.memory.${op}.${label(n)}`;
      if (!ref) {
        figures.push({ ...unmeasured(name, INSTALL, TARGET[op] ?? '<= 1.0'), candidate: round(mine) });
        figures.push({
          ...unmeasured(`vs_reference.memory.hooks.${op}.${label(n)}`, INSTALL, '<= 0.2'),
          candidate: round(direct),
        });
        continue;
      }
      const theirs = medianOf(s.reference, op);
      figures.push(
        ratioFigure(
          name,
          mine,
          theirs,
          unit,
          TARGET[op] ?? '<= 1.0',
          `public call on @virtkit/memory vs nova.virt.fake.FakeDriver, ${n} instances, ${how}`,
        ),
      );
      figures.push(
        ratioFigure(
          `vs_reference.memory.hooks.${op}.${label(n)}`,
          direct,
          theirs,
          unit,
          '<= 0.2',
          `the memory driver's hook called directly (no SDK) vs FakeDriver; public/hooks = ${round(mine / direct)}`,
        ),
      );
    }
  }
  const latency = Object.fromEntries(sizes.map((n) => [n, median([1, 2, 3].map(() => dependentLookup(n)))]));
  for (const n of sizes) {
    const floor = median(samples[n].floor);
    const name = `vs_reference.memory.floor.awaitedLookup.${label(n)}`;
    const what =
      `an awaited Map.get of the request's uuid, nothing else (no validation, SDK or driver), ${n} instances, ` +
      `same requests and order, ${how}`;
    if (!ref) figures.push({ ...unmeasured(name, INSTALL, '-'), candidate: round(floor) });
    else {
      const against = (op) => `${op} ${round(floor / medianOf(samples[n].reference, op))}`;
      figures.push(
        ratioFigure(
          name,
          floor,
          medianOf(samples[n].reference, 'powerOff'),
          'ns/op (reference powerOff)',
          '- (floor)',
          `${what}; against the reference's getInfo, powerOn, destroy: ` +
            `${['getInfo', 'powerOn', 'destroy'].map(against).join(', ')}`,
        ),
      );
    }
    figures.push(
      valueFigure(
        `vs_reference.memory.floor.dependentLookup.${label(n)}`,
        latency[n],
        'ns/lookup',
        '- (floor)',
        `Map.get in a dependent chain over ${n} uuid keys (each key from the previous answer): the memory ` +
          'latency of one lookup when the CPU cannot overlap the misses, as between two awaited calls',
      ),
    );
  }
  const control = mapControl(100_000) / mapControl(1_000);
  for (const op of OPS) {
    const small = medianOf(samples[1_000].public, op);
    const large = medianOf(samples[100_000].public, op);
    const refGrowth = ref
      ? `; the reference's own 100k/1k: ${round(
          medianOf(samples[100_000].reference, op) / medianOf(samples[1_000].reference, op),
        )}`
      : '';
    const scaled = op === 'listInstances' ? '(a listing walks every instance: per instance listed)' : '';
    const [a, b] = op === 'listInstances' ? [large / 100_000, small / 1_000] : [large, small];
    figures.push(
      ratioFigure(
        `vs_reference.memory.scale_100k_vs_1k.${op}`,
        a,
        b,
        'ns/op at 1k',
        '<= 1.3',
        `public call, per op at 100k / at 1k ${scaled}; ` +
          `control (bare Map.get, same order) ${round(control)}${refGrowth}`,
      ),
    );
  }
  const heap = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('../lib/heap-child.mjs', import.meta.url))], {
      encoding: 'utf8',
    }),
  );
  figures.push(
    valueFigure(
      'vs_reference.memory.heapBytesPerInstance',
      heap.bytesPerInstance,
      'bytes',
      '<= 1024',
      `${heap.n} instances (flavor, image, one NIC) spawned through the public API; heapUsed delta after GC`,
    ),
  );
  return figures;
}
