import { PowerState, type CapabilityName } from '@virtkit/core';
import type { Outcome } from '../model/contract-model.js';
import { CONTRACT_RULES as R } from '../model/contract-rules.js';
import { defineSuite, type KitSuite, type KitTest } from '../kit/suite.js';
import { Walk, type WalkAspect, type WalkInstance, type WalkOp } from '../kit/walk.js';

const { RUNNING, SHUTDOWN, CRASHED } = PowerState;

/** The state-changing calls that take only the instance. */
type PlainCall =
  | 'powerOff'
  | 'powerOn'
  | 'resumeStateOnHostBoot'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'unrescue'
  | 'softDelete'
  | 'restore'
  | 'triggerCrashDump';

const plain = (
  name: string,
  method: PlainCall,
  rule: (i: WalkInstance) => Outcome[],
  extra: Partial<WalkOp> = {},
): WalkOp => ({
  name,
  rule,
  call: (kit, i) => kit.driver[method](kit.ctx, kit.ref(i.uuid)),
  ...extra,
});
const unchanged: Outcome = { ok: true };

/**
 * The SDK's host-boot rule: a stopped (or crashed) instance that is not soft-deleted is started; anything else stays.
 */
function hostBootRule(i: WalkInstance): Outcome[] {
  if ((i.state === SHUTDOWN || i.state === CRASHED) && !i.softDeleted) {
    return [
      { ok: true, apply: (x) => void (x.state = RUNNING) },
      ...(i.rescued ? [{ ok: false, code: 'INVALID_STATE' } as Outcome] : []),
    ];
  }
  return [unchanged];
}

/** Rebuild re-creates the guest from its image and leaves it RUNNING. */
function rebuildRule(): Outcome[] {
  return [{ ok: true, apply: (x) => void (x.state = RUNNING) }];
}

/** The state-changing calls of each capability, walked from every state the driver can reach. */
const GROUPS: readonly { capability: CapabilityName; label: string; ops: WalkOp[] }[] = [
  {
    capability: 'lifecycle',
    label: 'power off, power on, soft and hard reboot, host-boot resume',
    ops: [
      plain('powerOff', 'powerOff', R.powerOff),
      plain('powerOn', 'powerOn', R.powerOn),
      {
        name: 'soft reboot',
        rule: (i) => R.reboot(i, false),
        call: (kit, i) => kit.driver.reboot(kit.ctx, { ...kit.ref(i.uuid), rebootType: 'SOFT' }),
      },
      {
        name: 'hard reboot',
        rule: (i) => R.reboot(i, true),
        call: (kit, i) => kit.driver.reboot(kit.ctx, { ...kit.ref(i.uuid), rebootType: 'HARD' }),
      },
      plain('resumeStateOnHostBoot', 'resumeStateOnHostBoot', hostBootRule),
    ],
  },
  {
    capability: 'lifecycle.pause',
    label: 'pause and unpause',
    ops: [plain('pause', 'pause', R.pause), plain('unpause', 'unpause', R.unpause)],
  },
  {
    capability: 'lifecycle.suspend',
    label: 'suspend and resume',
    ops: [plain('suspend', 'suspend', R.suspend), plain('resume', 'resume', R.resume)],
  },
  {
    capability: 'lifecycle.rescue',
    label: 'rescue and unrescue',
    ops: [
      {
        name: 'rescue',
        rule: R.rescue,
        call: (kit, i) =>
          kit.driver.rescue(kit.ctx, {
            ...kit.ref(i.uuid),
            imageMeta: kit.fixtures.rescueImageMeta ?? kit.imageMeta,
            rescuePassword: kit.secret('rescue password'),
          }),
      },
      plain('unrescue', 'unrescue', R.unrescue),
    ],
  },
  {
    capability: 'lifecycle.softDelete',
    label: 'soft delete and restore',
    ops: [plain('softDelete', 'softDelete', R.softDelete), plain('restore', 'restore', R.restore)],
  },
  {
    capability: 'lifecycle.rebuild',
    label: 'rebuild',
    ops: [
      {
        name: 'rebuild',
        rule: rebuildRule,
        from: ['running', 'stopped'],
        call: (kit, i) => {
          // the orchestrator's view: the volume attached stays in the mapping it hands back, the interface in
          // networkInfo
          const blockDeviceInfo =
            i.volumeAt && i.volumeId && i.volumeConnection
              ? { blockDeviceMapping: [{ mountDevice: i.volumeAt, connectionInfo: i.volumeConnection }] }
              : undefined;
          return kit.driver.rebuild(kit.ctx, {
            ...kit.full(i.uuid),
            imageMeta: kit.imageMeta,
            adminPassword: kit.secret('admin password'),
            // as an orchestrator does: the instance's current network info
            ...(i.vif ? { networkInfo: [i.vif] } : {}),
            detachBlockDevices: async () => undefined,
            attachBlockDevices: async () => blockDeviceInfo,
          });
        },
      },
    ],
  },
  {
    capability: 'lifecycle.crashDump',
    label: 'crash dump',
    ops: [plain('triggerCrashDump', 'triggerCrashDump', R.triggerCrashDump)],
  },
];

/** Destroy of one instance among several. */
const DESTROY: WalkOp = {
  name: 'destroy',
  rule: () => [unchanged],
  removes: true,
  call: (kit, i) => kit.driver.destroy(kit.ctx, kit.ref(i.uuid)),
};

const ASPECTS: readonly WalkAspect[] = ['transition', 'events', 'bystanders', 'attachments', 'usage'];

const NAMES: Readonly<Record<WalkAspect, (label: string) => string>> = {
  transition: (l) => `${l}: from every state the driver reaches, the outcome the contract allows, and getInfo agrees`,
  events: (l) => `${l}: one lifecycle event per state change, naming the instance acted on`,
  bystanders: (l) => `${l} on one instance leave every other instance unchanged (state, info, attachments, events)`,
  attachments: (l) => `${l}: attached volumes and interfaces survive`,
  usage: (l) => `${l}: resource usage equals the live instances' flavors after every call`,
};

/**
 * One walk: for each op, a fresh instance in every reachable state (bystanders
 * included), the op on each in turn. Without `combinedWalks`, one test per
 * aspect, so the failing test's name says what was wrong; with it (slow
 * drivers), one test per call checks every aspect in one walk.
 */
function walkTest(label: string, ops: readonly WalkOp[], aspect: WalkAspect | 'combined'): KitTest {
  const aspects: readonly WalkAspect[] = aspect === 'combined' ? ASPECTS : [aspect];
  return {
    name:
      aspect === 'combined'
        ? `${label} from every state the driver reaches: the contract's outcome, its events, other instances ` +
          `unchanged, attachments kept, usage exact`
        : NAMES[aspect](label),
    ...(aspect === 'usage' ? { requires: ['inventory'] as CapabilityName[] } : {}),
    ...(aspect === 'attachments' ? { requiresAny: ['volume', 'network.hotplug'] as CapabilityName[] } : {}),
    ...(aspect === 'combined' ? { onlyWith: 'combinedWalks' as const } : { unlessWith: 'combinedWalks' as const }),
    async run(kit) {
      const walk = new Walk(kit, aspects);
      await walk.start();
      const attach = aspects.includes('attachments') || aspects.includes('bystanders') ? walk.canAttach : false;
      if (aspect === 'attachments' && !attach) walk.finish();
      const bystander = aspects.includes('bystanders');
      for (const op of ops) {
        // a RUNNING instance spawned first and never acted on: a driver acting on the wrong instance of the same state
        // shows on it
        const extra = bystander ? await walk.spawn('running', attach, 'bystander') : undefined;
        const targets = await walk.spawnAll(op.from, attach);
        for (const target of targets) await walk.apply(op, target);
        // the next op starts from fresh instances; destroying these is checked as well
        for (const i of targets) await walk.apply(DESTROY, i);
        if (extra) await walk.apply(DESTROY, extra);
      }
      walk.finish();
    },
  };
}

/**
 * Per capability, the walks of its state-changing calls: one test per aspect, or one combined walk per call (fixtures'
 * `combinedWalks`).
 */
export const STATE_WALK_SUITES: readonly KitSuite[] = GROUPS.map((group) =>
  defineSuite(group.capability, [
    ...ASPECTS.map((a) => walkTest(group.label, group.ops, a)),
    ...group.ops.map((op) => walkTest(op.name, [op], 'combined')),
  ]),
);
