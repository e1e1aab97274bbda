import { PowerState } from '@virtkit/core';
import { nowMs } from './clock.js';
import { InstanceExtras } from './instance-extras.js';
import type { ResourceAmounts } from './resource-amounts.js';

/** Bits of {@link InstanceRecord.flags}. */
export const RecordFlag = {
  RESCUED: 1,
  SOFT_DELETED: 2,
  /** `setBootable(false)`: the guest may not start. */
  UNBOOTABLE: 4,
  /** File systems frozen by `quiesce`. */
  QUIESCED: 8,
  /** Arrived by live migration; `postLiveMigrationAtDestination` has not run yet. */
  INCOMING: 16,
  /** Older console log lines were dropped (the log passed the console output limit). */
  LOG_TRUNCATED: 32,
} as const;

/** One of {@link RecordFlag}. */
export type RecordFlag = (typeof RecordFlag)[keyof typeof RecordFlag];

/**
 * What a new record is made from besides its resource amounts: numbers and short strings only, never a request
 * object. The amounts come as a second argument, not spread in here: `{ ...amounts, uuid }` costs 1-10 µs per
 * object in Node 20's V8 (each such literal gets a map of its own), more than the rest of a spawn's hook.
 */
export interface RecordInit {
  uuid: string;
  name: string | undefined;
  seq: number;
  flavor: string;
  image: string;
}

/** `00`..`ff`, for {@link InstanceRecord.internalId}. */
// Stryker disable next-line StringLiteral: the internal id's digits are the driver's choice (ids stay distinct)
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * `instance-00` and the next four hex digits of an internal id, by `seq >>> 8` (direct-mapped on its low 8 bits,
 * tagged with the whole value): an id is then one concatenation, prefix and last pair (one string made per
 * getInfo, not three: issue 16, seventh pass). Below 65,536 spawns on a host every prefix keeps its slot.
 */
const PREFIX_OF = new Array<string>(256).fill('');
const PREFIX_TAG = new Int32Array(256).fill(-1);

/** The live states as a bit mask over the power-state numbers (0-7): one shift and test, not a Set lookup. */
const LIVE_MASK = (1 << PowerState.RUNNING) | (1 << PowerState.PAUSED) | (1 << PowerState.SUSPENDED);

/** True for RUNNING, PAUSED and SUSPENDED. */
function isLive(state: PowerState): boolean {
  return ((LIVE_MASK >>> state) & 1) === 1;
}

/** `instance-00` and the hex digits of `high` (below 2^16), from {@link PREFIX_OF} when it holds them. */
function prefixOf(high: number): string {
  const slot = high & 255;
  // Stryker disable next-line ConditionalExpression: equivalent when false (the prefix is made again, the same)
  if (PREFIX_TAG[slot] === high) return PREFIX_OF[slot]!;
  // Stryker disable next-line StringLiteral: the internal id's prefix is the driver's choice
  const prefix = 'instance-00' + HEX_PAIRS[high >>> 8]! + HEX_PAIRS[high & 255]!;
  PREFIX_OF[slot] = prefix;
  PREFIX_TAG[slot] = high;
  return prefix;
}

/**
 * An instance as the memory hypervisor keeps it: a fixed set of small fields
 * (one hidden class, small integers, short strings), NICs as a flat
 * `[id, mac, id, mac, ...]` array, and the rare rest in lazily created
 * {@link InstanceExtras}. Times are {@link nowMs} values.
 */
export class InstanceRecord {
  // Field order is memory layout (V8 lays fields out in the order the constructor first assigns them; none has an
  // initializer, so the constructor below sets them all, in this order): what getInfo and the power calls touch
  // comes first, so at 100k instances such a call reads one or two cache lines of the record, not four.
  state: PowerState;
  flags: number;
  vcpus: number;
  memoryMb: number;
  /** Per-host sequence number: internal id and console ports derive from it. */
  seq: number;
  /** Since when the vCPUs run; -1 while they do not. */
  cpuSince: number;
  /** vCPU milliseconds accumulated before `cpuSince`. */
  cpuMs: number;
  /** I/O activity: grows on every counter read while RUNNING, so counters move. */
  ticks: number;
  /** When the guest last booted; -1 while it is not booted. */
  bootedAt: number;
  /** Bytes of the stamped log (see `appendLog`). */
  logBytes: number;
  /**
   * Console log after the boot banner, oldest first, bounded by the console output limit, each line kept as its
   * time and text and stamped when read (see `logLines`). The first two lines live in the four fields below, the
   * rest in `log` as `[timeMs, text, timeMs, text, ...]`: a power off and a power on (the commonest history) then
   * make no array per instance, which at 100k instances was an allocation per power call, later promoted. On the
   * record, not in the extras: power calls append on every instance.
   */
  log0At: number;
  log0: string | undefined;
  log1At: number;
  log1: string | undefined;
  /** Lines after the first two: `[timeMs, text, ...]`, or undefined while there are none. */
  log: (number | string)[] | undefined;
  uuid: string;
  /** The name given at spawn; `undefined` means the default `instance-<uuid prefix>`. */
  name: string | undefined;
  diskGb: number;
  /** Of `diskGb`: the ephemeral disk, and the swap disk in MiB (each disk is listed on its own). */
  ephemeralGb: number;
  swapMb: number;
  flavor: string;
  image: string;
  /** `[vifId, mac, vifId, mac, ...]`, or undefined without NICs. */
  nics: string[] | undefined;
  extras: InstanceExtras | undefined;

  constructor(init: RecordInit, amounts: ResourceAmounts) {
    this.state = PowerState.NOSTATE;
    this.flags = 0;
    this.vcpus = amounts.vcpus;
    this.memoryMb = amounts.memoryMb;
    this.seq = init.seq;
    this.cpuSince = -1;
    this.cpuMs = 0;
    this.ticks = 0;
    // Stryker disable next-line UnaryOperator: equivalent: the first setState sets bootedAt (live) or -1 (not)
    this.bootedAt = -1;
    this.logBytes = 0;
    this.log0At = 0;
    this.log0 = undefined;
    this.log1At = 0;
    this.log1 = undefined;
    this.log = undefined;
    this.uuid = init.uuid;
    this.name = init.name;
    this.diskGb = amounts.diskGb;
    this.ephemeralGb = amounts.ephemeralGb ?? 0;
    this.swapMb = amounts.swapMb ?? 0;
    this.flavor = init.flavor;
    this.image = init.image;
    this.nics = undefined;
    this.extras = undefined;
  }

  /** The name listings show. */
  get displayName(): string {
    // Stryker disable next-line MethodExpression: the default name's form is the driver's (a whole uuid is a prefix)
    return this.name ?? `instance-${this.uuid.slice(0, 8)}`;
  }

  /** The hypervisor-side id (`instance-0000002a`). */
  // Stryker disable next-line BlockStatement: internalId is optional in getInfo (a driver may report none)
  get internalId(): string {
    // Made on every read, not kept: a string cached on a long-lived record is promoted by the next scavenge, which
    // at 100k instances cost getInfo more than making it (bench: vs_reference.memory.hooks.getInfo). Below 2^24
    // from a table of hex pairs: ~3x cheaper than toString(16) + padStart (every getInfo reads it).
    const seq = this.seq;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: both branches make the same
    // id below 2^24; past it (16M spawns on one host) no kit run goes
    if (seq >= 0 && seq < 0x1000000) return prefixOf(seq >>> 8) + HEX_PAIRS[seq & 255]!;
    // Stryker disable next-line StringLiteral: only past 2^24 spawns on one host (above), and the form is the driver's
    return `instance-${seq.toString(16).padStart(8, '0')}`;
  }

  /** Running its rescue image: with {@link InstanceRecord.state}, what state rules read (`_getPowerState`). */
  get rescued(): boolean {
    return (this.flags & RecordFlag.RESCUED) !== 0;
  }

  /** Soft-deleted (restorable). */
  get softDeleted(): boolean {
    return (this.flags & RecordFlag.SOFT_DELETED) !== 0;
  }

  has(flag: RecordFlag): boolean {
    return (this.flags & flag) !== 0;
  }

  set(flag: RecordFlag, on: boolean): void {
    this.flags = on ? this.flags | flag : this.flags & ~flag;
  }

  /** True while the guest has a process (RUNNING, PAUSED, SUSPENDED). */
  get live(): boolean {
    return isLive(this.state);
  }

  /** The extras, created on first use. */
  more(): InstanceExtras {
    return (this.extras ??= new InstanceExtras());
  }

  /** The resources this instance claims. */
  get amounts(): ResourceAmounts {
    return {
      vcpus: this.vcpus,
      memoryMb: this.memoryMb,
      diskGb: this.diskGb,
      ephemeralGb: this.ephemeralGb,
      swapMb: this.swapMb,
    };
  }

  /**
   * Move to `next`, keeping CPU time and boot time right: CPUs run only while
   * RUNNING; a guest boots when it goes live from a stopped state.
   */
  setState(next: PowerState, now: number = nowMs()): void {
    if (this.cpuSince >= 0 && next !== PowerState.RUNNING) {
      // Stryker disable next-line ArithmeticOperator: more or less CPU time than ran (per vCPU, or from the clock's
      // origin): no public call bounds CPU time (an idle guest uses little; a hypervisor's process may use more)
      this.cpuMs += (now - this.cpuSince) * this.vcpus;
      this.cpuSince = -1;
    }
    if (next === PowerState.RUNNING && this.cpuSince < 0) this.cpuSince = now;
    const nextLive = isLive(next);
    if (nextLive && !this.live) this.bootedAt = now;
    if (!nextLive) this.bootedAt = -1;
    this.state = next;
  }

  /** A reboot: the guest restarts, RUNNING, with a new boot time. */
  reboot(now: number = nowMs()): void {
    this.setState(PowerState.RUNNING, now);
    this.bootedAt = now;
  }

  /** vCPU time in nanoseconds: real running time, plus a little per I/O tick so it moves on every read. */
  cpuTimeNs(now?: number): number {
    // The clock is read only while the vCPUs run (a stopped guest's CPU time does not move).
    const running = this.cpuSince >= 0 ? ((now ?? nowMs()) - this.cpuSince) * this.vcpus : 0;
    return (this.cpuMs + running) * 1_000_000 + this.ticks * 1_000;
  }

  /** Seconds since boot, 0 when not booted. */
  uptimeSec(now: number = nowMs()): number {
    return this.bootedAt < 0 ? 0 : Math.floor((now - this.bootedAt) / 1000);
  }

  /** Register one read of the counters: they grow only while the guest runs. */
  // Stryker disable next-line BlockStatement: counters that never move are what an idle guest shows
  tick(): void {
    if (this.state === PowerState.RUNNING) this.ticks++;
  }

  /** A copy for another host (cold migration): same identity, independent state. */
  cloneAs(seq: number): InstanceRecord {
    const identity = { uuid: this.uuid, name: this.name, seq, flavor: this.flavor, image: this.image };
    const copy = new InstanceRecord(identity, this);
    copy.flags = this.flags & ~RecordFlag.INCOMING;
    copy.cpuMs = this.cpuMs;
    copy.ticks = this.ticks;
    copy.nics = this.nics ? [...this.nics] : undefined;
    copy.log0At = this.log0At;
    copy.log0 = this.log0;
    copy.log1At = this.log1At;
    copy.log1 = this.log1;
    copy.log = this.log ? [...this.log] : undefined;
    copy.logBytes = this.logBytes;
    copy.extras = this.extras?.clone();
    return copy;
  }
}
