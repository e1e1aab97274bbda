import {
  PowerState,
  isVirtkitError,
  type CapabilityName,
  type LifecycleEvent,
  type Vif,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import { expectedTransition, type ModelInstance, type Outcome } from '../model/contract-model.js';
import { describeOutcomes, matchOutcome } from '../model/contract-rules.js';
import { KitAssertionError, stateName } from './assertions.js';
import type { EventRecorder, KitContext } from './kit-context.js';
import { textOf } from './text-of.js';

const { RUNNING, SHUTDOWN } = PowerState;

/** A state an instance can be brought to through public calls, to walk a call from it. */
export type SourceState = 'running' | 'stopped' | 'paused' | 'suspended' | 'rescued' | 'softDeleted';

/** Every source state, the label messages use, and the capability that reaches it. */
export const SOURCE_STATES: Readonly<
  Record<SourceState, { readonly label: string; readonly requires?: CapabilityName }>
> = Object.freeze({
  running: { label: 'RUNNING' },
  stopped: { label: 'SHUTDOWN' },
  paused: { label: 'PAUSED', requires: 'lifecycle.pause' },
  suspended: { label: 'SUSPENDED', requires: 'lifecycle.suspend' },
  rescued: { label: 'rescued', requires: 'lifecycle.rescue' },
  softDeleted: { label: 'soft-deleted', requires: 'lifecycle.softDelete' },
});

/**
 * What a walk checks after each call. Each kit test built on a walk checks
 * one of them, so its name says what was wrong:
 * - `transition`: the call's outcome is one the contract allows from the instance's state, and getInfo agrees;
 * - `events`: one lifecycle event per state change, the expected transition, naming the instance acted on;
 * - `bystanders`: every other instance is unchanged (state, info, attachments) and got no event;
 * - `attachments`: the instance acted on still has its volume and interface;
 * - `usage`: the host's used resources equal the flavors of the live instances.
 */
export type WalkAspect = 'transition' | 'events' | 'bystanders' | 'attachments' | 'usage';

/** An instance of a walk: the contract's view of it (state, flags) plus what is attached. */
export interface WalkInstance extends ModelInstance {
  readonly label: string;
  /** Mountpoint of the attached volume and the MAC of the attached interface, when attached. */
  volumeAt?: string;
  volumeId?: string;
  /** The attached volume's connection info (what an orchestrator hands back on rebuild). */
  volumeConnection?: VolumeConnectionInfo;
  mac?: string;
  /** The interface attached (what an orchestrator hands back as `networkInfo` on rebuild). */
  vif?: Vif;
}

/** What the kit can read of an instance through public calls. */
interface Observation {
  readonly info: string;
  readonly disks?: readonly string[];
  readonly macs?: readonly string[];
}

/** A call a walk makes on one instance, with the contract's rule for it. */
export interface WalkOp {
  readonly name: string;
  readonly call: (kit: KitContext, i: WalkInstance) => Promise<unknown>;
  readonly rule: (i: WalkInstance) => Outcome[];
  /** The states to walk it from. @defaultValue every reachable one */
  readonly from?: readonly SourceState[];
  /** The call removes the instance (destroy): no state to check after, and its event list is not fixed here. */
  readonly removes?: boolean;
}

const VOLUME_MOUNTPOINT = '/dev/vdb';
/**
 * Where the kit tries to attach the walk's volume a second time, to see it is still attached (drivers without
 * diagnostics).
 */
const PROBE_MOUNTPOINT = '/dev/vdy';

/**
 * Walks calls over several instances at once, each in a different state, and
 * checks one {@link WalkAspect} after every call. Instances and volumes are
 * tracked by the kit, so the runner cleans them up.
 */
export class Walk {
  readonly instances: WalkInstance[] = [];
  readonly #kit: KitContext;
  readonly #aspects: ReadonlySet<WalkAspect>;
  readonly #rec: EventRecorder;
  #baseline: number[] | undefined;
  #node: string | undefined;
  #verified = 0;
  #ordinal = 0;
  /** The last observation of each instance (bystanders aspect): compared with after every call on another one. */
  readonly #observed = new Map<string, Observation>();

  /** @param aspect - what to check after every call (several at once: a combined walk, for slow drivers) */
  constructor(kit: KitContext, aspect: WalkAspect | readonly WalkAspect[]) {
    this.#kit = kit;
    this.#aspects = new Set(typeof aspect === 'string' ? [aspect] : aspect);
    this.#rec = kit.recordEvents();
  }

  /** The source states this driver can reach (by its capabilities), among `wanted`. */
  reachable(wanted: readonly SourceState[] = Object.keys(SOURCE_STATES) as SourceState[]): SourceState[] {
    return wanted.filter(
      (s) => SOURCE_STATES[s].requires === undefined || this.#kit.supports(SOURCE_STATES[s].requires!),
    );
  }

  /**
   * True when attachments can be made and checked: a volume (with `createVolume`), read back through diagnostics or,
   * without them, probed through the contract's rule (attaching it at another mountpoint is CONFLICT while it is
   * attached); or a hot-plugged interface read back through diagnostics.
   */
  get canAttach(): boolean {
    const k = this.#kit;
    return (
      (k.supports('volume') && k.fixtures.createVolume !== undefined) ||
      (k.supports('network.hotplug') && k.supports('diagnostics'))
    );
  }

  /** Read the usage baseline (before any instance of the walk exists). */
  async start(): Promise<void> {
    if (this.#kit.supports('inventory')) {
      [this.#node] = await this.#kit.driver.getAvailableNodes(this.#kit.ctx, { refresh: false });
      this.#baseline = await this.#usage();
    }
  }

  /** Spawn an instance, attach a volume and an interface (when `attach`), and bring it to `source`. */
  async spawn(source: SourceState, attach: boolean, role?: string): Promise<WalkInstance> {
    const kit = this.#kit;
    const ordinal = ++this.#ordinal;
    const label = `vm${ordinal} (${SOURCE_STATES[source].label}${role ? ` ${role}` : ''})`;
    kit.step(`spawning ${label}`);
    const uuid = await kit.spawn(source === 'stopped' ? { powerOn: false } : {});
    const i: WalkInstance = {
      uuid,
      ordinal,
      host: 0,
      label,
      state: source === 'stopped' ? SHUTDOWN : RUNNING,
      rescued: false,
      softDeleted: false,
      volumes: new Map(),
      interfaces: new Map(),
    };
    if (attach) await this.#attach(i);
    const ref = kit.ref(uuid);
    kit.step(`bringing ${label} to ${SOURCE_STATES[source].label}`);
    if (source === 'paused') await kit.driver.pause(kit.ctx, ref);
    if (source === 'suspended') await kit.driver.suspend(kit.ctx, ref);
    if (source === 'rescued')
      await kit.driver.rescue(kit.ctx, {
        ...ref,
        imageMeta: kit.fixtures.rescueImageMeta ?? kit.imageMeta,
        rescuePassword: kit.secret('rescue password'),
      });
    if (source === 'softDeleted') await kit.driver.softDelete(kit.ctx, ref);
    i.state =
      (
        {
          paused: PowerState.PAUSED,
          suspended: PowerState.SUSPENDED,
          softDeleted: SHUTDOWN,
          stopped: SHUTDOWN,
        } as Record<string, PowerState>
      )[source] ?? RUNNING;
    i.rescued = source === 'rescued';
    i.softDeleted = source === 'softDeleted';
    this.instances.push(i);
    await this.#settle();
    this.#rec.events.splice(0);
    if (this.#aspects.has('bystanders')) this.#observed.set(uuid, await this.#observe(uuid));
    return i;
  }

  /** Spawn one instance per reachable state in `from`. */
  async spawnAll(from: readonly SourceState[] | undefined, attach: boolean): Promise<WalkInstance[]> {
    const out: WalkInstance[] = [];
    for (const s of this.reachable(from)) out.push(await this.spawn(s, attach));
    return out;
  }

  /** Make `op` on `target`, then check the walk's aspect. */
  async apply(op: WalkOp, target: WalkInstance): Promise<void> {
    const kit = this.#kit;
    const step = `${op.name} of ${target.label}`;
    kit.step(step);
    const before = this.#aspects.has('bystanders') ? this.#observed : undefined;
    const prev = target.state;
    this.#rec.events.splice(0);
    let error: unknown;
    try {
      await op.call(kit, target);
    } catch (e) {
      error = e;
    }
    const result =
      error === undefined
        ? { ok: true as const }
        : { ok: false as const, code: isVirtkitError(error) ? error.code : `non-virtkit error (${textOf(error)})` };
    const outcomes = op.rule(target);
    const match = matchOutcome(outcomes, result);
    if (match === undefined) {
      // every aspect needs the call to behave; the transition aspect is where this is the point
      const got = result.ok ? 'success' : `${result.code}${error instanceof Error ? ` (${error.message})` : ''}`;
      throw new KitAssertionError(
        `${step}: the contract allows ${describeOutcomes(outcomes)}, the driver answered ${got}`,
        result.ok ? undefined : result.code,
        { expected: describeOutcomes(outcomes), actual: got },
      );
    }
    if (match.ok) match.apply?.(target);
    if (op.removes && result.ok) this.instances.splice(this.instances.indexOf(target), 1);
    await this.#settle();
    const seen = this.#rec.events.splice(0);
    const has = (a: WalkAspect): boolean => this.#aspects.has(a);
    if (has('transition') && !(op.removes && result.ok)) await this.#checkInfo(target, step);
    if (has('events')) this.#checkEvents(target, prev, seen, step, op.removes === true && result.ok);
    if (has('bystanders')) {
      await this.#checkOthers(target, before!, seen, step);
      if (op.removes && result.ok) this.#observed.delete(target.uuid);
      else this.#observed.set(target.uuid, await this.#observe(target.uuid));
    }
    if (has('attachments') && result.ok && !op.removes) await this.#checkAttachments(target, step);
    if (has('usage')) await this.#checkUsage(step);
  }

  /** Fail as unverified when the aspect could not be checked at all with this driver. */
  finish(): void {
    if (this.#verified === 0) {
      const only = this.#aspects.size === 1 ? [...this.#aspects][0] : undefined;
      this.#kit.unverified(
        only === 'attachments'
          ? 'the driver advertises no way to attach and check attachments (volume with createVolume, or ' +
              'network.hotplug with diagnostics)'
          : only === 'usage'
            ? 'the driver does not advertise inventory: usage cannot be read'
            : 'no call of the walk could be checked',
      );
    }
  }

  async #attach(i: WalkInstance): Promise<void> {
    const kit = this.#kit;
    if (kit.supports('volume') && kit.fixtures.createVolume) {
      kit.step(`attaching a volume to ${i.label}`);
      const connectionInfo = await kit.volume();
      await kit.driver.attachVolume(kit.ctx, { ...kit.full(i.uuid), connectionInfo, mountpoint: VOLUME_MOUNTPOINT });
      i.volumeAt = VOLUME_MOUNTPOINT;
      i.volumeConnection = connectionInfo;
      i.volumeId = textOf((connectionInfo.data as { volumeId?: unknown } | undefined)?.volumeId ?? VOLUME_MOUNTPOINT);
    }
    if (kit.supports('network.hotplug') && kit.supports('diagnostics')) {
      kit.step(`attaching an interface to ${i.label}`);
      const vif = kit.vif();
      await kit.driver.attachInterface(kit.ctx, {
        ...kit.ref(i.uuid),
        imageMeta: kit.fixtures.guestImageMeta ?? kit.imageMeta,
        vif,
      });
      i.mac = vif.address.toLowerCase();
      i.vif = vif;
    }
  }

  async #observe(uuid: string): Promise<Observation> {
    const kit = this.#kit;
    const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
    const text =
      `${stateName(info.state)} rescued=${info.rescued === true} ` +
      `softDeleted=${info.softDeleted === true} numCpu=${info.numCpu} maxMemKb=${info.maxMemKb}`;
    if (!kit.supports('diagnostics')) return { info: text };
    const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
    return {
      info: text,
      disks: d.diskDetails.map((x: { id: string }) => x.id).sort(),
      macs: d.nicDetails.map((n: { macAddress: string }) => n.macAddress.toLowerCase()).sort(),
    };
  }

  async #checkInfo(i: WalkInstance, step: string): Promise<void> {
    const info = await this.#kit.driver.getInfo(this.#kit.ctx, this.#kit.ref(i.uuid));
    const actual = `${stateName(info.state)} rescued=${info.rescued === true} softDeleted=${info.softDeleted === true}`;
    const expected = `${stateName(i.state)} rescued=${i.rescued} softDeleted=${i.softDeleted}`;
    if (actual !== expected)
      throw new KitAssertionError(`after ${step}: getInfo says ${actual}, the contract says ${expected}`, undefined, {
        expected,
        actual,
      });
    this.#verified += 1;
  }

  #checkEvents(i: WalkInstance, prev: PowerState, seen: LifecycleEvent[], step: string, removed: boolean): void {
    const stray = seen.filter((e) => e.instanceUuid !== i.uuid);
    if (stray.length > 0) {
      throw new KitAssertionError(
        `after ${step}: lifecycle events name another instance than the one acted on: ` +
          `${stray.map((e) => `${e.transition} for ${this.#nameOf(e.instanceUuid)}`).join(', ')}`,
      );
    }
    if (removed) return; // destroy's own events (stopped, deleted) are checked by the lifecycle suite
    const t = expectedTransition(prev, i.state);
    const expected = t ? [t] : [];
    const actual = seen.map((e) => e.transition);
    if (actual.join() !== expected.join()) {
      throw new KitAssertionError(
        `after ${step} (${stateName(prev)} -> ${stateName(i.state)}): expected events [${expected.join(', ')}], got ` +
          `[${actual.join(', ')}]`,
        undefined,
        { expected: `[${expected.join(', ')}]`, actual: `[${actual.join(', ')}]` },
      );
    }
    this.#verified += 1;
  }

  async #checkOthers(
    target: WalkInstance,
    before: Map<string, Observation>,
    seen: LifecycleEvent[],
    step: string,
  ): Promise<void> {
    for (const i of this.instances) {
      if (i === target) continue;
      const theirs = seen.filter((e) => e.instanceUuid === i.uuid);
      if (theirs.length > 0)
        throw new KitAssertionError(
          `after ${step}: ${i.label}, not acted on, got lifecycle events ${theirs.map((e) => e.transition).join(', ')}`,
        );
      const was = before.get(i.uuid);
      const now = await this.#observe(i.uuid);
      if (was && JSON.stringify(was) !== JSON.stringify(now)) {
        throw new KitAssertionError(`after ${step}: ${i.label}, not acted on, changed`, undefined, {
          expected: JSON.stringify(was),
          actual: JSON.stringify(now),
        });
      }
    }
    if (this.instances.length > 1) this.#verified += 1;
  }

  async #checkAttachments(i: WalkInstance, step: string): Promise<void> {
    if (i.volumeAt === undefined && i.mac === undefined) return;
    if (!this.#kit.supports('diagnostics')) {
      if (await this.#probeVolume(i, step)) this.#verified += 1;
      return;
    }
    const o = await this.#observe(i.uuid);
    const device = i.volumeAt?.replace('/dev/', '');
    if (device !== undefined && !o.disks!.includes(device)) {
      throw new KitAssertionError(
        `after ${step}: the volume attached at ${i.volumeAt} is gone (disks: ${o.disks!.join(', ')})`,
        undefined,
        { expected: `a disk ${device}`, actual: `[${o.disks!.join(', ')}]` },
      );
    }
    if (i.mac !== undefined && !o.macs!.includes(i.mac)) {
      throw new KitAssertionError(
        `after ${step}: the interface ${i.mac} is gone (NICs: ${o.macs!.join(', ')})`,
        undefined,
        { expected: `a NIC ${i.mac}`, actual: `[${o.macs!.join(', ')}]` },
      );
    }
    this.#verified += 1;
  }

  /**
   * Without diagnostics, whether the volume is still attached is read through a public rule of the contract:
   * attaching the same volume at another mountpoint is `CONFLICT` while it is attached (and changes nothing).
   * A success means it was gone (the probe's attachment is undone, and the test fails); `INVALID_STATE` (a state
   * in which the contract lets the driver refuse attaches) leaves this call unchecked. Returns true when checked.
   */
  async #probeVolume(i: WalkInstance, step: string): Promise<boolean> {
    const kit = this.#kit;
    if (i.volumeConnection === undefined) return false;
    const probe = { ...kit.full(i.uuid), connectionInfo: i.volumeConnection, mountpoint: PROBE_MOUNTPOINT };
    try {
      await kit.driver.attachVolume(kit.ctx, probe);
    } catch (error) {
      const code = isVirtkitError(error) ? error.code : `non-virtkit error (${textOf(error)})`;
      if (code === 'CONFLICT') return true;
      if (code === 'INVALID_STATE') return false;
      throw new KitAssertionError(
        `after ${step}: attaching the volume of ${i.volumeAt} again at ${PROBE_MOUNTPOINT} (to see it is still ` +
          `attached) answered ${code}; the contract: CONFLICT while it is attached`,
        code,
        { expected: 'CONFLICT', actual: code },
      );
    }
    await kit.driver.detachVolume(kit.ctx, probe);
    throw new KitAssertionError(
      `after ${step}: the volume attached at ${i.volumeAt} is gone (attaching it again at ${PROBE_MOUNTPOINT} ` +
        `succeeded; the contract: CONFLICT while it is attached)`,
      undefined,
      { expected: `CONFLICT (the volume still attached at ${i.volumeAt})`, actual: 'success' },
    );
  }

  async #usage(): Promise<number[]> {
    if (this.#node === undefined) throw new KitAssertionError('getAvailableNodes named no node: usage cannot be read');
    const r = await this.#kit.driver.getAvailableResource(this.#kit.ctx, { nodename: this.#node });
    return [r.vcpusUsed, r.memoryMbUsed, r.localGbUsed];
  }

  /**
   * The contract does not say whether a stopped instance keeps its vCPUs and
   * memory in `*Used` (the memory driver keeps every instance's claim; QEMU,
   * like libvirt, counts the guests that are resident: RUNNING or PAUSED).
   * Either is accepted for vCPUs and memory, the same policy for both; disk
   * is always every instance's.
   */
  async #checkUsage(step: string): Promise<void> {
    if (this.#baseline === undefined) return;
    const f = this.#kit.flavor;
    const base = this.#baseline;
    const n = this.instances.length;
    const resident = this.instances.filter((i) => i.state === RUNNING || i.state === PowerState.PAUSED).length;
    const disk = base[2]! + n * ((f.rootGb ?? 0) + ((f as { ephemeralGb?: number }).ephemeralGb ?? 0));
    const claims = (k: number): number[] => [base[0]! + k * f.vcpus, base[1]! + k * f.memoryMb, disk];
    const actual = await this.#usage();
    const allowed = [claims(n), claims(resident)];
    if (!allowed.some((e) => e.join() === actual.join())) {
      throw new KitAssertionError(
        `after ${step}: used [vcpus, memoryMb, localGb] on node '${this.#node}' must be the flavors of the ${n} ` +
          `live instance(s) (vCPUs and memory: of all ${n}, or of the ${resident} RUNNING or PAUSED)`,
        undefined,
        { expected: `[${claims(n).join(', ')}] or [${claims(resident).join(', ')}]`, actual: `[${actual.join(', ')}]` },
      );
    }
    this.#verified += 1;
  }

  #nameOf(uuid: string): string {
    return this.instances.find((i) => i.uuid === uuid)?.label ?? `unknown instance ${uuid}`;
  }

  /**
   * Let events queued by the call arrive (late events from timers are the lifecycle suite's 'events follow state'
   * test).
   */
  async #settle(): Promise<void> {
    for (let n = 0; n < 2; n++) await new Promise((resolve) => setImmediate(resolve));
  }
}
