import type {
  AttachInterfaceRequest,
  AttachVolumeRequest,
  CapabilityName,
  DestroyRequest,
  DetachInterfaceRequest,
  DetachVolumeRequest,
  Flavor,
  HostApi,
  OperationContext as Ctx,
  SpawnRequest,
} from '@virtkit/core';
import { runConformance } from '@virtkit/conformance';
import { createMemoryFixtures, MemoryDriver, type MemoryConfig, type MemoryDriverCore } from '@virtkit/memory';

/** The classes of mistakes of issue #10; the corpus has at least three broken drivers of each. */
export type MistakeClass =
  | 'cross-instance'
  | 'transitions'
  | 'survival'
  | 'failure paths'
  | 'resources'
  | 'secondary outputs'
  | 'secrets in logs'
  | 'disposal';

/**
 * A variant of @virtkit/memory one plausible bug away from correct, the kit
 * test that must catch it, and the capabilities whose suites run.
 */
export interface BrokenDriver {
  /** What is wrong, as a vendor would describe the bug. */
  readonly bug: string;
  readonly kind: MistakeClass;
  /** Built as the kit's factory and the memory fixtures build it. */
  readonly Driver: new (hostApi: HostApi, config?: MemoryConfig) => MemoryDriverCore;
  /** The suites that run (core always runs). */
  readonly only: readonly CapabilityName[];
  /** The kit test that must fail, by capability and exact name. */
  readonly caughtBy: { readonly capability: string; readonly test: string };
  /** The failure reason must match this. */
  readonly reason?: RegExp;
}

/**
 * Tracks what the kit attached (volumes and interfaces per instance) and the flavors spawned, for variants that
 * misuse them.
 */
export class TrackingMemory extends MemoryDriver {
  readonly volumes = new Map<string, AttachVolumeRequest[]>();
  readonly vifs = new Map<string, AttachInterfaceRequest[]>();
  readonly flavors = new Map<string, Flavor>();

  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    this.flavors.set(r.instance.uuid, r.instance.flavor);
  }
  protected override async _destroy(c: Ctx, r: DestroyRequest): Promise<void> {
    await super._destroy(c, r);
    this.volumes.delete(r.instance.uuid);
    this.vifs.delete(r.instance.uuid);
  }
  protected override async _attachVolume(c: Ctx, r: AttachVolumeRequest): Promise<void> {
    await super._attachVolume(c, r);
    this.volumes.set(r.instance.uuid, [...(this.volumes.get(r.instance.uuid) ?? []), r]);
  }
  protected override async _detachVolume(c: Ctx, r: DetachVolumeRequest): Promise<void> {
    await super._detachVolume(c, r);
    this.volumes.set(
      r.instance.uuid,
      (this.volumes.get(r.instance.uuid) ?? []).filter((v) => v.mountpoint !== r.mountpoint),
    );
  }
  protected override async _attachInterface(c: Ctx, r: AttachInterfaceRequest): Promise<void> {
    await super._attachInterface(c, r);
    this.vifs.set(r.instance.uuid, [...(this.vifs.get(r.instance.uuid) ?? []), r]);
  }
  protected override async _detachInterface(c: Ctx, r: DetachInterfaceRequest): Promise<void> {
    await super._detachInterface(c, r);
    this.vifs.set(
      r.instance.uuid,
      (this.vifs.get(r.instance.uuid) ?? []).filter((v) => v.vif.id !== r.vif.id),
    );
  }
}

/** Names of the state-walk tests, exactly as the kit plans them. */
export const WALK = {
  lifecycle: 'power off, power on, soft and hard reboot, host-boot resume',
  pause: 'pause and unpause',
  suspend: 'suspend and resume',
  rescue: 'rescue and unrescue',
  softDelete: 'soft delete and restore',
  rebuild: 'rebuild',
  crashDump: 'crash dump',
} as const;
export const walkTransitions = (l: string): string =>
  `${l}: from every state the driver reaches, the outcome the contract allows, and getInfo agrees`;
export const walkEvents = (l: string): string =>
  `${l}: one lifecycle event per state change, naming the instance acted on`;
export const walkBystanders = (l: string): string =>
  `${l} on one instance leave every other instance unchanged (state, info, attachments, events)`;
export const walkAttachments = (l: string): string => `${l}: attached volumes and interfaces survive`;
export const walkUsage = (l: string): string =>
  `${l}: resource usage equals the live instances' flavors after every call`;

/**
 * Run the kit's suites a broken driver names, on memory fixtures built with that driver, and expect the test that
 * must catch it to fail (with its reason, when the entry gives one). Shared by every corpus file.
 */
export async function expectCaught(
  broken: Pick<BrokenDriver, 'Driver' | 'only' | 'caughtBy' | 'reason'>,
): Promise<void> {
  const report = await runConformance({
    factory: (hostApi) => new broken.Driver({ hostname: 'kit', ...hostApi }),
    fixtures: createMemoryFixtures({ driverClass: broken.Driver }),
    only: broken.only,
    modelBased: false,
  });
  const r = report.results.find((x) => x.capability === broken.caughtBy.capability && x.name === broken.caughtBy.test);
  if (!r) throw new Error(`the kit planned no test '${broken.caughtBy.capability}: ${broken.caughtBy.test}'`);
  expect({ test: r.name, status: r.status }).toEqual({ test: broken.caughtBy.test, status: 'failed' });
  if (broken.reason) expect(r.reason).toMatch(broken.reason);
}

/**
 * The correct memory driver passes the suites `corpus` runs (no false alarm), or the suites `only` names when given;
 * the kit plans each test the corpus names.
 */
export async function expectNoFalseAlarm(
  corpus: readonly Pick<BrokenDriver, 'only' | 'caughtBy'>[],
  only: readonly CapabilityName[] = [...new Set(corpus.flatMap((b) => b.only))],
): Promise<void> {
  const report = await runConformance({
    factory: (hostApi) => new MemoryDriver({ hostname: 'kit', ...hostApi }),
    fixtures: createMemoryFixtures(),
    only,
    modelBased: false,
  });
  const bad = report.results.filter((r) => r.status !== 'passed');
  expect(bad.map((r) => `${r.capability}: ${r.name}: ${r.reason}`)).toEqual([]);
  const planned = report.results.map((r) => `${r.capability}: ${r.name}`);
  for (const b of corpus) expect(planned).toContain(`${b.caughtBy.capability}: ${b.caughtBy.test}`);
}
