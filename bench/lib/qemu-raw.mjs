// The "raw" side of the qemu figures: QEMU started and driven by hand, with plain Node (child_process + a
// unix socket, one JSON object per line) and none of @virtkit/qemu. Every process started here is tracked
// and killed by killRawQemus() (and, as a last resort, when this Node process exits).
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';

const LIVE = new Set();
process.once('exit', () => {
  for (const p of LIVE) p.child.kill('SIGKILL');
});

/** A minimal QMP client: commands answered in order (no ids), events to listeners. */
export class RawQmp {
  #socket;
  #buffer = '';
  #queue = [];
  #listeners = new Set();
  #greeted;

  constructor(socket) {
    this.#socket = socket;
    this.#greeted = new Promise((resolve, reject) => {
      this.#queue.push({ resolve, reject, greeting: true });
    });
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('close', () => {
      for (const w of this.#queue.splice(0)) w.reject(new Error('QMP connection closed'));
    });
    socket.on('error', () => undefined);
  }

  /** Connect (retrying every `retryMs` while the socket is missing or refuses), read the greeting, negotiate. */
  static async connect(path, { timeoutMs = 15_000, retryMs = 2 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise((resolve, reject) => {
          const s = createConnection(path);
          s.once('connect', () => resolve(s));
          s.once('error', (e) => (s.destroy(), reject(e)));
        });
        const qmp = new RawQmp(socket);
        await qmp.#greeted;
        await qmp.execute('qmp_capabilities');
        return qmp;
      } catch (error) {
        if (!['ENOENT', 'ECONNREFUSED'].includes(error.code) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  }

  execute(command, args) {
    return new Promise((resolve, reject) => {
      this.#queue.push({ resolve, reject, command });
      this.#socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  /**
   * The next event `name` (or one of the names in an array) satisfying `predicate` (register before the
   * command that causes it).
   */
  waitForEvent(name, predicate = () => true, timeoutMs = 60_000) {
    const names = new Set([name].flat());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => (
          this.#listeners.delete(listener),
          reject(new Error(`no ${[...names].join('/')} event in ${timeoutMs} ms`))
        ),
        timeoutMs,
      );
      const listener = (m) => {
        if (!names.has(m.event) || !predicate(m)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(m);
      };
      this.#listeners.add(listener);
    });
  }

  /** Call `listener` with every event from now on; returns the function that stops it. */
  onEvent(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close() {
    this.#socket.destroy();
  }

  #onData(chunk) {
    this.#buffer += chunk.toString('utf8');
    let nl;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (!line) continue;
      const m = JSON.parse(line);
      if (m.event) {
        for (const l of [...this.#listeners]) l(m);
        continue;
      }
      const w = this.#queue.shift();
      if (!w) continue;
      if (m.error) w.reject(new Error(`${w.command}: ${m.error.class}: ${m.error.desc}`));
      else w.resolve(m.return ?? m.QMP);
    }
  }
}

/** Start `binary args` (stdout/stderr ignored) and connect to its QMP socket `qmpPath`. */
export async function startRawQemu(binary, args, qmpPath) {
  const child = spawn(binary, args, { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const entry = { child, exited };
  LIVE.add(entry);
  void exited.then(() => LIVE.delete(entry));
  try {
    const qmp = await RawQmp.connect(qmpPath);
    return { child, qmp, exited, pid: child.pid };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

/** Stop a raw QEMU: `quit`, then SIGKILL if it is still there after a second. Idempotent. */
export async function stopRawQemu(raw) {
  if (!raw || raw.stopped) return raw?.exited;
  raw.stopped = true;
  raw.qmp.execute('quit').catch(() => undefined);
  const gone = await Promise.race([raw.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 1000))]);
  if (!gone) raw.child.kill('SIGKILL');
  await raw.exited;
  raw.qmp.close();
}

/** SIGKILL every raw QEMU still running; resolves when they are gone. */
export async function killRawQemus() {
  const all = [...LIVE];
  for (const p of all) p.child.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

/** A blank qcow2 disk, as the driver makes for a no-OS instance. */
export async function createBlankDisk(file, sizeBytes) {
  await promisify(execFile)('qemu-img', ['create', '-q', '-f', 'qcow2', file, String(sizeBytes)]);
}

/** The command line a running process was started with (binary first). */
export function processArgv(pid) {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (argv.at(-1) === '') argv.pop();
  return argv;
}

/** The argv with every mention of directory `from` moved to `to`. */
export function moveArgv(argv, from, to) {
  return argv.map((a) => a.split(from).join(to));
}

/** PIDs of live processes (not zombies) whose command line mentions `needle`. */
export function processesMentioning(needle) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
