// Shared helpers: run two tasks in one tinybench session and turn them into a ratio figure.
import { Bench } from 'tinybench';

/** Mean latency (ns) of each task, measured side by side in one run. */
export async function latencies(tasks, { quick = false } = {}) {
  const bench = new Bench({ time: quick ? 300 : 1500, warmupTime: quick ? 100 : 300 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.latency.mean * 1e6]));
}

/** A ratio figure: candidate / baseline, with the baseline's absolute value beside it. */
export function ratioFigure(name, candidate, baseline, unit, target, note) {
  return {
    name,
    ratio: round(candidate / baseline),
    candidate: round(candidate),
    baseline: round(baseline),
    unit,
    target,
    note,
  };
}

/** A figure with no baseline. */
export function valueFigure(name, value, unit, target, note) {
  return { name, value: round(value), unit, target, note };
}

/** A figure that could not be measured here, with the reason. */
export function unmeasured(name, reason, target) {
  return { name, value: null, unit: '-', target, note: `not measured: ${reason}` };
}

export function round(x) {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

/** Best-of-N wall time (ms) of a synchronous block, after a warm-up. */
export function bestOf(n, fn) {
  fn(-1);
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

/** The median of a list of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Run async trials of several variants in turns (one warm-up round first, not counted), rotating which
 * variant goes first each round, so drift and order effects fall on all alike. Each trial resolves with
 * a number (ms) or an object of numbers; returns the samples per variant.
 */
export async function alternate(rounds, trials) {
  const names = Object.keys(trials);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -1; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
    for (const name of order) {
      const result = await trials[name]();
      if (round >= 0) samples[name].push(result);
    }
  }
  return samples;
}

/**
 * Mean latency (ns) of each async task, calling them in turns (a, b, a, b, ...) for `time` ms after a
 * warm-up: for I/O-bound calls whose latency drifts (another process's scheduling), where measuring one
 * task after the other (tinybench) would put the drift into the ratio. Slowest 1% of each dropped.
 */
export async function interleaved(tasks, { quick = false } = {}) {
  const names = Object.keys(tasks);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const warmUntil = performance.now() + (quick ? 100 : 300);
  while (performance.now() < warmUntil) for (const n of names) await tasks[n]();
  const until = performance.now() + (quick ? 600 : 3000);
  for (let i = 0; performance.now() < until; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t = process.hrtime.bigint();
      await tasks[name]();
      samples[name].push(Number(process.hrtime.bigint() - t));
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const s = samples[n].sort((a, b) => a - b).slice(0, Math.max(1, Math.floor(samples[n].length * 0.99)));
      return [n, s.reduce((a, b) => a + b, 0) / s.length];
    }),
  );
}
