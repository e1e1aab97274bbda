import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import {
  DEVICE_NAME_PATTERN,
  PowerState,
  type AttachVolumeRequest,
  type BlockDeviceMappingInput,
  type DefaultDeviceNamesForInstanceRequest,
  type GetDeviceNameForInstanceRequest,
  type SwapVolumeRequest,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';
import { inStates, unknownInstance } from '../kit/traits.js';
import { volumeIdOf } from '../kit/volume-id.js';

const GIB = 1024 * 1024 * 1024;
/** A connection no driver knows: for calls that must fail before (or without) touching a volume. */
const UNKNOWN_VOLUME: VolumeConnectionInfo = {
  driverVolumeType: 'kit-unknown',
  data: {},
  volumeId: 'kit-unknown-volume',
};

/** `volume`: attach and detach in every power state, conflicts, features, the connector. */
export const volumeSuite = defineSuite('volume', [
  ...inStates(['running', 'paused', 'stopped'], (t) => ({
    name: `attach and detach while ${t.label}: attaching again as asked changes nothing, detach frees the volume`,
    needs: ['createVolume'],
    async run(kit, uuid) {
      const volume = await kit.volume();
      const disks = await diskCount(kit, uuid);
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      // a retry: succeeds, changes nothing (#18)
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      if (disks !== undefined) checkEqual(await diskCount(kit, uuid), disks + 1, 'diagnostics numDisks after attach');
      await kit.expectState(uuid, t.state, 'attachVolume');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      if (disks !== undefined) checkEqual(await diskCount(kit, uuid), disks, 'diagnostics numDisks after detach');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await kit.expectState(uuid, t.state, 'detachVolume');
    },
  })),
  {
    name: 'attaching the same volume twice to one instance is CONFLICT, also at another mountpoint',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const volume = await kit.volume();
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await attachRefused(kit, uuid, volume, 'vdc', 'same volume at vdc');
      const other = await kit.volume();
      await attachRefused(kit, uuid, other, 'vdb', 'another volume at the taken mountpoint vdb');
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, other, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, other, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
    },
  },
  {
    name: 'multiattach shares a volume only when the multiattach feature is supported',
    needs: ['createVolume'],
    async run(kit) {
      const [a, b] = [await kit.spawn(), await kit.spawn()];
      const volume = await kit.volume();
      const shared = (uuid: string): Promise<void> =>
        kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb', { multiattach: true }));
      if (kit.feature('multiattach') === 'unsupported') {
        await checkRejects(shared(a), 'NOT_SUPPORTED', 'multiattach without the feature');
        await kit.driver.attachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
      } else if (kit.feature('multiattach') === 'supported') {
        await shared(a);
        await shared(b);
        await kit.driver.detachVolume(kit.ctx, attachRequest(kit, b, volume, 'vdb'));
        // the first instance still holds it: a plain attachment elsewhere is CONFLICT
        await attachRefused(kit, b, volume, 'vdb', 'the multiattach volume the first instance still holds, plainly');
        await kit.driver.detachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
        kit.step('attaching the volume, free again, plainly, then as multiattach to the other instance');
        await kit.driver.attachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
        await checkRejects(shared(b), 'CONFLICT', 'multiattach of a volume attached plainly (after it was shared)');
      }
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
    },
  },
  {
    name:
      'a volume attached to one instance without multiattach is CONFLICT for another, which can attach it once ' +
      'it is detached',
    needs: ['createVolume'],
    async run(kit) {
      const [a, b] = [await kit.spawn(), await kit.spawn()];
      const volume = await kit.volume();
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
      kit.step('attaching the volume held by the first instance to the second');
      await attachRefused(kit, b, volume, 'vdb', 'a volume attached to another instance (not multiattach)');
      // the refusal changed nothing: the first instance still holds it (attaching it there again elsewhere is still
      // CONFLICT)
      await attachRefused(kit, a, volume, 'vdc', 'the same volume at vdc of the instance holding it');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, a, volume, 'vdb'));
      kit.step('attaching the detached volume to the second instance');
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, b, volume, 'vdb'));
      await attachRefused(kit, a, volume, 'vdb', 'the volume now held by the second instance, for the first');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, b, volume, 'vdb'));
    },
  },
  {
    name:
      "a volume in spawn's block-device mapping is attached: CONFLICT for another instance until the first is " +
      'destroyed',
    needs: ['createVolume'],
    async run(kit) {
      const volume = await kit.volume();
      const other = await kit.spawn();
      kit.step('spawning with the volume in the block-device mapping');
      const uuid = await kit.spawn({
        blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] },
      });
      await kit.expectState(uuid, PowerState.RUNNING, 'spawn with a volume');
      if (kit.supports('diagnostics')) {
        const disks = (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).diskDetails.map((d) =>
          bare(d.id),
        );
        check(disks.includes('vdb'), `diagnostics must show the mapped volume as disk vdb, got ${disks.join(', ')}`);
      }
      await attachRefused(kit, other, volume, 'vdb', "the volume of another instance's block-device mapping");
      await attachRefused(kit, uuid, volume, 'vdc', 'the mapped volume again at vdc');
      kit.step('destroying the instance that holds the volume');
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, volume, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, other, volume, 'vdb'));
    },
  },
  {
    name: "a device used twice in spawn's block-device mapping is VALIDATION_FAILED and leaves nothing behind",
    needs: ['createVolume'],
    async run(kit) {
      const [first, second] = [await kit.volume(), await kit.volume()];
      const req = kit.spawnRequest({
        blockDeviceInfo: {
          blockDeviceMapping: [
            { mountDevice: '/dev/vdb', connectionInfo: first },
            { mountDevice: 'vdb', connectionInfo: second },
          ],
        },
      });
      kit.step('spawning with two volumes mapped at vdb');
      await checkRejects(kit.driver.spawn(kit.ctx, req), 'VALIDATION_FAILED', 'a mapping that uses vdb twice');
      check(
        !(await kit.driver.listInstanceUuids(kit.ctx)).includes(req.instance.uuid),
        'the refused spawn must leave no instance behind',
      );
      const uuid = await kit.spawn();
      await attachAndDetach(kit, uuid, first, 'vdb');
      await attachAndDetach(kit, uuid, second, 'vdb');
    },
  },
  {
    name:
      "a volume whose connection info in spawn's mapping says multiattach is shared by two instances; a mapping " +
      'without it is CONFLICT',
    needs: ['createVolume'],
    features: ['multiattach'],
    async run(kit) {
      const volume = await kit.volume();
      const shared = { ...volume, data: { ...volume.data, multiattach: true } };
      const mapped = (connectionInfo: VolumeConnectionInfo): Record<string, unknown> => ({
        blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo }] },
      });
      kit.step('spawning two instances that map the volume as multiattach');
      const [a, b] = [await kit.spawn(mapped(shared)), await kit.spawn(mapped(shared))];
      await kit.expectState(b, PowerState.RUNNING, 'spawn with a multiattach volume another instance holds');
      kit.step('spawning a third that maps it without multiattach');
      const req = kit.spawnRequest(mapped(volume));
      await checkRejects(kit.driver.spawn(kit.ctx, req), 'CONFLICT', 'a mapping without multiattach of a held volume');
      const third = await kit.spawn();
      await attachRefused(kit, third, volume, 'vdb', 'the volume two instances share, without multiattach');
      kit.step('destroying the two instances that share the volume');
      await kit.driver.destroy(kit.ctx, kit.ref(a));
      await kit.driver.destroy(kit.ctx, kit.ref(b));
      await attachAndDetach(kit, third, volume, 'vdb');
    },
  },
  {
    name: 'detaching a volume from a mountpoint that holds another changes nothing: the other stays attached',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [held, stranger] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, held, 'vdb'));
      kit.step('detaching a volume never attached, at the mountpoint of another, and at a free mountpoint');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, stranger, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, stranger, 'vdc'));
      await attachRefused(
        kit,
        uuid,
        held,
        'vdc',
        'the volume at vdb after detaching another volume there (still attached)',
      );
      if (kit.supports('diagnostics')) {
        const disks = (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).diskDetails.map((d) =>
          bare(d.id),
        );
        check(disks.includes('vdb'), `diagnostics must still show disk vdb, got ${disks.join(', ')}`);
      }
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, held, 'vdb'));
    },
  },
  {
    name: 'a device tag needs the taggedVolumeAttach feature',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const volume = await kit.volume();
      const tagged = attachRequest(kit, uuid, volume, 'vdb', { tag: 'kit-data' });
      if (kit.feature('taggedVolumeAttach') === 'unsupported') {
        await checkRejects(
          kit.driver.attachVolume(kit.ctx, tagged),
          'NOT_SUPPORTED',
          'tagged attach without the feature',
        );
        await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      } else {
        await kit.driver.attachVolume(kit.ctx, tagged);
      }
      // The same volume asked at another device: attached otherwise, so CONFLICT (the same attach again is idempotent).
      await attachRefused(kit, uuid, volume, 'vdc', 'the same volume again at another device');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
    },
  },
  {
    name:
      'contract: the volume asked again at its own mountpoint with another multiattach mode is CONFLICT and ' +
      'changes nothing',
    needs: ['createVolume'],
    features: ['multiattach'],
    async run(kit) {
      const [uuid, other] = [await kit.spawn(), await kit.spawn()];
      const [plain, shared] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, plain, 'vdb'));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, shared, 'vdc', { multiattach: true }));
      kit.step('asking for the plain attachment at vdb as multiattach, and the multiattach one at vdc as plain');
      await checkRejects(
        kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, plain, 'vdb', { multiattach: true })),
        'CONFLICT',
        'the volume attached at vdb without multiattach, asked there again as multiattach',
      );
      await attachRefused(kit, uuid, shared, 'vdc', 'the multiattach volume at vdc, asked there again without it');
      // nothing changed: the plain one is still not shared, the shared one still is
      await checkRejects(
        kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, plain, 'vdb', { multiattach: true })),
        'CONFLICT',
        'the volume attached without multiattach (after the refused re-attach), for another instance',
      );
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, shared, 'vdb', { multiattach: true }));
      kit.step('attaching both again exactly as asked (retries)');
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, plain, 'vdb'));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, shared, 'vdc', { multiattach: true }));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, other, shared, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, shared, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, plain, 'vdb'));
      await attachAndDetach(kit, other, plain, 'vdb');
    },
  },
  {
    name: 'contract: the volume asked again at its own mountpoint with another tag, or none, is CONFLICT',
    needs: ['createVolume'],
    features: ['taggedVolumeAttach'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [tagged, untagged] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, tagged, 'vdb', { tag: 'kit-a' }));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, untagged, 'vdc'));
      kit.step('asking for the attachments again with other tags');
      for (const [volume, mountpoint, tag, what] of [
        [tagged, 'vdb', 'kit-b', 'the volume tagged kit-a at vdb, asked there again with tag kit-b'],
        [tagged, 'vdb', undefined, 'the volume tagged kit-a at vdb, asked there again without a tag'],
        [untagged, 'vdc', 'kit-a', 'the untagged volume at vdc, asked there again with tag kit-a'],
      ] as const) {
        const request = attachRequest(kit, uuid, volume, mountpoint, tag === undefined ? {} : { tag });
        await checkRejects(kit.driver.attachVolume(kit.ctx, request), 'CONFLICT', what);
      }
      // the attachments as first asked are still there: asking for them again exactly is a retry
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, tagged, 'vdb', { tag: 'kit-a' }));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, untagged, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, tagged, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, untagged, 'vdc'));
    },
  },
  {
    name:
      'attach and detach on an unknown instance are INSTANCE_NOT_FOUND; malformed requests are ' +
      'VALIDATION_FAILED; detaching what is not attached succeeds',
    async run(kit) {
      const unknown = unknownInstance();
      await checkRejects(
        kit.driver.attachVolume(kit.ctx, attachRequest(kit, unknown, UNKNOWN_VOLUME, 'vdb')),
        'INSTANCE_NOT_FOUND',
        'attachVolume(unknown instance)',
      );
      await checkRejects(
        kit.driver.detachVolume(kit.ctx, attachRequest(kit, unknown, UNKNOWN_VOLUME, 'vdb')),
        'INSTANCE_NOT_FOUND',
        'detachVolume(unknown instance)',
      );
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, UNKNOWN_VOLUME, '../vdb')),
        'VALIDATION_FAILED',
        'mountpoint ../vdb',
      );
      await checkRejects(
        kit.driver.attachVolume(kit.ctx, malformed({ ...kit.full(uuid), mountpoint: 'vdb' })),
        'VALIDATION_FAILED',
        'attach without connectionInfo',
      );
      await checkRejects(
        kit.driver.attachVolume(
          kit.ctx,
          attachRequest(kit, uuid, UNKNOWN_VOLUME, 'vdb', malformed({ deviceType: 'tape' })),
        ),
        'VALIDATION_FAILED',
        "deviceType 'tape'",
      );
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, UNKNOWN_VOLUME, 'vdb'));
    },
  },
  {
    name: 'the volume connector describes this host, also before the instance exists',
    async run(kit) {
      const connector = await kit.driver.getVolumeConnector(kit.ctx, kit.full(unknownInstance()));
      check(isIP(connector?.ip) !== 0, `connector ip must be an IP address, got ${JSON.stringify(connector?.ip)}`);
      for (const field of ['host', 'platform', 'osType'] as const) {
        check(
          typeof connector[field] === 'string' && connector[field].length > 0,
          `connector '${field}' must be a non-empty string`,
        );
      }
      check(typeof connector.multipath === 'boolean', 'connector multipath must be a boolean');
      checkEqual(
        await kit.driver.getVolumeConnector(kit.ctx, kit.full(unknownInstance())),
        connector,
        'a second connector of the same host',
      );
    },
  },
]);

/** `volume.extend`. */
export const volumeExtendSuite = defineSuite('volume.extend', [
  ...inStates(['running', 'stopped'], (t) => ({
    name: `extend an attached volume while ${t.label}; once detached it is NOT_FOUND`,
    needs: ['createVolume'],
    async run(kit, uuid) {
      const volume = await kit.volume();
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await kit.driver.extendVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: volume, newSizeBytes: 2 * GIB });
      await kit.expectState(uuid, t.state, 'extendVolume');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await checkRejects(
        kit.driver.extendVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: volume, newSizeBytes: 3 * GIB }),
        'NOT_FOUND',
        'extend of a detached volume',
      );
    },
  })),
  {
    name:
      'extend on an unknown instance is INSTANCE_NOT_FOUND, of a volume never attached NOT_FOUND, of size 0 ' +
      'VALIDATION_FAILED',
    async run(kit) {
      const extend = (uuid: string, newSizeBytes: number): Promise<void> =>
        kit.driver.extendVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: UNKNOWN_VOLUME, newSizeBytes });
      await checkRejects(extend(unknownInstance(), GIB), 'INSTANCE_NOT_FOUND', 'extendVolume(unknown instance)');
      const uuid = await kit.spawn();
      await checkRejects(extend(uuid, GIB), 'NOT_FOUND', 'extendVolume of a volume that is not attached');
      await checkRejects(extend(uuid, 0), 'VALIDATION_FAILED', 'extendVolume to 0 bytes');
    },
  },
]);

/** `volume.swap`. */
export const volumeSwapSuite = defineSuite('volume.swap', [
  {
    name: 'swap puts the new volume at the mountpoint and frees the old one',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [oldVolume, newVolume] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, oldVolume, 'vdb'));
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, oldVolume, newVolume));
      await kit.expectState(uuid, PowerState.RUNNING, 'swapVolume');
      await attachRefused(kit, uuid, newVolume, 'vdc', 'attaching the swapped-in volume again');
      await attachAndDetach(kit, uuid, oldVolume, 'vdc');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, newVolume, 'vdb'));
    },
  },
  {
    name:
      'swapping in a volume attached elsewhere (another instance, or this one at another mountpoint) is ' +
      'CONFLICT and changes nothing',
    needs: ['createVolume'],
    async run(kit) {
      const [uuid, other] = [await kit.spawn(), await kit.spawn()];
      const [oldVolume, held] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, oldVolume, 'vdb'));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, held, 'vdb'));
      kit.step('swapping in the volume the other instance holds');
      await swapRefused(kit, uuid, oldVolume, held, 'CONFLICT', 'swapVolume to a volume attached to another instance');
      // both attachments as before: the old volume still at vdb, the other's still its own
      await attachRefused(kit, uuid, oldVolume, 'vdc', 'the old volume after the refused swap (still attached)');
      await attachRefused(kit, uuid, held, 'vdc', "the other instance's volume after the refused swap (still held)");
      const second = await kit.volume();
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, second, 'vdc'));
      await swapRefused(
        kit,
        uuid,
        oldVolume,
        second,
        'CONFLICT',
        'swapVolume to a volume attached to the same instance at vdc',
      );
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, second, 'vdc'));
      kit.step('swapping in the volume once the other instance let go of it');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, other, held, 'vdb'));
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, oldVolume, held));
      await attachRefused(kit, other, held, 'vdb', 'the swapped-in volume, for another instance');
      await attachAndDetach(kit, other, oldVolume, 'vdb');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, held, 'vdb'));
    },
  },
  {
    name:
      'contract: swapVolume naming an old volume that is not the one at the mountpoint is NOT_FOUND and changes ' +
      'nothing',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [atVdb, atVdc, incoming] = [await kit.volume(), await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, atVdb, 'vdb'));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, atVdc, 'vdc'));
      kit.step('swapping out at vdb the volume attached at vdc');
      await swapRefused(
        kit,
        uuid,
        atVdc,
        incoming,
        'NOT_FOUND',
        'swapVolume at vdb naming the volume attached at vdc as the old one',
      );
      const stranger = await kit.volume();
      kit.step('swapping out at vdb a volume attached nowhere');
      await swapRefused(
        kit,
        uuid,
        stranger,
        incoming,
        'NOT_FOUND',
        'swapVolume at vdb naming a volume attached nowhere as the old one',
      );
      await attachRefused(kit, uuid, atVdb, 'vdd', 'the volume at vdb after the refused swaps (still attached)');
      await attachRefused(kit, uuid, atVdc, 'vdd', 'the volume at vdc after the refused swaps (still attached)');
      await attachAndDetach(kit, uuid, incoming, 'vdd');
      await kit.expectState(uuid, PowerState.RUNNING, 'the refused swaps');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, atVdc, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, atVdb, 'vdb'));
      kit.step('swapping out at vdb the volume detached from there');
      await swapRefused(kit, uuid, atVdb, incoming, 'NOT_FOUND', 'swapVolume at vdb once every volume is detached');
    },
  },
  {
    name:
      'contract: swapVolume of a volume for itself, and a swap repeated once it landed, succeed and change ' +
      'nothing',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [first, second] = [await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, first, 'vdb'));
      kit.step('swapping the volume at vdb for itself');
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, first, first));
      await attachRefused(kit, uuid, first, 'vdc', 'the volume swapped for itself (still attached)');
      kit.step('swapping it for another volume, then the same swap again (a retry)');
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, first, second));
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, first, second));
      await attachRefused(kit, uuid, second, 'vdc', 'the swapped-in volume after the retry (still attached)');
      await attachAndDetach(kit, uuid, first, 'vdc');
      await kit.expectState(uuid, PowerState.RUNNING, 'the repeated swaps');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, second, 'vdb'));
    },
  },
  {
    name:
      'contract: swapping a multiattach volume for one another instance holds as multiattach succeeds; ' +
      'for one it holds without multiattach it is CONFLICT',
    needs: ['createVolume'],
    features: ['multiattach'],
    async run(kit) {
      const [uuid, other] = [await kit.spawn(), await kit.spawn()];
      const [old, shared, held] = [await kit.volume(), await kit.volume(), await kit.volume()];
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, old, 'vdb', { multiattach: true }));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, shared, 'vdb', { multiattach: true }));
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, other, held, 'vdc'));
      kit.step('swapping in the volume the other instance holds without multiattach');
      await swapRefused(
        kit,
        uuid,
        old,
        held,
        'CONFLICT',
        'swapVolume to a volume another instance holds without multiattach',
      );
      kit.step('swapping in the volume the other instance holds as multiattach (both attachments multiattach)');
      await kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, old, shared));
      await attachRefused(kit, uuid, shared, 'vdc', 'the swapped-in volume again at vdc (attached at vdb)');
      await attachAndDetach(kit, other, old, 'vdd');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, other, shared, 'vdb'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, other, held, 'vdc'));
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, shared, 'vdb'));
      await attachAndDetach(kit, other, shared, 'vdb');
    },
  },
  {
    name: 'swap with nothing at the mountpoint is NOT_FOUND, on an unknown instance INSTANCE_NOT_FOUND',
    async run(kit) {
      const swap = (uuid: string, extra = {}): Promise<void> =>
        kit.driver.swapVolume(kit.ctx, {
          ...swapRequest(kit, uuid, UNKNOWN_VOLUME, { ...UNKNOWN_VOLUME, volumeId: 'kit-other' }),
          ...extra,
        });
      await checkRejects(swap(unknownInstance()), 'INSTANCE_NOT_FOUND', 'swapVolume(unknown instance)');
      const uuid = await kit.spawn();
      await checkRejects(swap(uuid), 'NOT_FOUND', 'swapVolume with nothing attached at vdb');
      await checkRejects(swap(uuid, { resizeToGb: -1 }), 'VALIDATION_FAILED', 'swapVolume with resizeToGb -1');
    },
  },
]);

/** `volume.snapshot`. */
export const volumeSnapshotSuite = defineSuite('volume.snapshot', [
  {
    name:
      'snapshot an attached volume and delete the snapshot; the same snapshot id twice is CONFLICT, deleting it ' +
      'again NOT_FOUND',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const volume = await kit.volume();
      const volumeId = volumeIdOf(volume);
      const snapshotId = `kit-snap-${randomUUID().slice(0, 8)}`;
      await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
      await kit.driver.volumeSnapshotCreate(kit.ctx, {
        ...kit.full(uuid),
        volumeId,
        createInfo: { snapshotId, type: 'qcow2', newFile: `${snapshotId}.qcow2` },
      });
      const deleteRequest = { ...kit.full(uuid), volumeId, snapshotId, deleteInfo: { type: 'qcow2' } };
      const createRequest = {
        ...kit.full(uuid),
        volumeId,
        createInfo: { snapshotId, type: 'qcow2', newFile: `${snapshotId}-again.qcow2` },
      };
      await checkRejects(
        kit.driver.volumeSnapshotCreate(kit.ctx, createRequest),
        'CONFLICT',
        'a snapshot id taken twice on one volume',
      );
      await kit.driver.volumeSnapshotDelete(kit.ctx, deleteRequest);
      await checkRejects(
        kit.driver.volumeSnapshotDelete(kit.ctx, deleteRequest),
        'NOT_FOUND',
        'deleting the snapshot twice',
      );
      // a second snapshot, deleted in turn: the first delete did not drop the volume's snapshot record for good
      await kit.driver.volumeSnapshotCreate(kit.ctx, createRequest);
      await kit.driver.volumeSnapshotDelete(kit.ctx, deleteRequest);
      await checkRejects(
        kit.driver.volumeSnapshotDelete(kit.ctx, deleteRequest),
        'NOT_FOUND',
        'deleting the second snapshot twice',
      );
      await kit.expectState(uuid, PowerState.RUNNING, 'volume snapshots');
      await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, 'vdb'));
    },
  },
  {
    name:
      'snapshot of a volume not attached is NOT_FOUND, on an unknown instance INSTANCE_NOT_FOUND; paths are ' +
      'VALIDATION_FAILED',
    async run(kit) {
      const create = (uuid: string, newFile = 'kit.qcow2'): Promise<void> =>
        kit.driver.volumeSnapshotCreate(kit.ctx, {
          ...kit.full(uuid),
          volumeId: 'kit-unknown-volume',
          createInfo: { snapshotId: 'kit-snap', type: 'qcow2', newFile },
        });
      await checkRejects(create(unknownInstance()), 'INSTANCE_NOT_FOUND', 'volumeSnapshotCreate(unknown instance)');
      const uuid = await kit.spawn();
      await checkRejects(create(uuid), 'NOT_FOUND', 'volumeSnapshotCreate of a volume that is not attached');
      await checkRejects(create(uuid, '../escape.qcow2'), 'VALIDATION_FAILED', 'newFile ../escape.qcow2');
      await checkRejects(
        kit.driver.volumeSnapshotDelete(kit.ctx, {
          ...kit.full(uuid),
          volumeId: 'kit-unknown-volume',
          snapshotId: 'a/b',
          deleteInfo: { type: 'qcow2' },
        }),
        'VALIDATION_FAILED',
        'snapshotId a/b',
      );
    },
  },
]);

/** `volume.deviceNames`. */
export const deviceNamesSuite = defineSuite('volume.deviceNames', [
  {
    name: 'the default root device name is a device name',
    async run(kit) {
      const name = await kit.driver.defaultRootDeviceName(kit.ctx, {
        ...kit.full(unknownInstance()),
        imageMeta: kit.imageMeta,
      });
      check(
        typeof name === 'string' && DEVICE_NAME_PATTERN.test(name),
        `defaultRootDeviceName must return a device name, got ${JSON.stringify(name)}`,
      );
    },
  },
  {
    name: 'default device names: every row named, all distinct and not the root; the request is untouched',
    async run(kit) {
      const request: DefaultDeviceNamesForInstanceRequest = {
        ...kit.full(unknownInstance()),
        rootDeviceName: '/dev/vda',
        ephemerals: [{ sourceType: 'blank', destinationType: 'local', volumeSizeGb: 1 }],
        swap: [{ sourceType: 'blank', destinationType: 'local', guestFormat: 'swap', volumeSizeGb: 1 }],
        blockDeviceMapping: [
          { sourceType: 'volume', destinationType: 'volume' },
          { sourceType: 'volume', destinationType: 'volume', deviceName: '/dev/vdd' },
        ],
      };
      const before = JSON.stringify(request);
      const result = await kit.driver.defaultDeviceNamesForInstance(kit.ctx, request);
      checkEqual(JSON.stringify(request), before, 'the request after defaultDeviceNamesForInstance');
      const rows = [...result.ephemerals, ...result.swap, ...result.blockDeviceMapping];
      checkEqual(
        [result.ephemerals.length, result.swap.length, result.blockDeviceMapping.length],
        [1, 1, 2],
        'rows per kind',
      );
      const names = rows.map((r: { deviceName?: string }) => bare(r.deviceName));
      check(
        rows.every(
          (r: { deviceName?: string }) => typeof r.deviceName === 'string' && DEVICE_NAME_PATTERN.test(r.deviceName),
        ),
        `every row must get a device name: ${JSON.stringify(rows)}`,
      );
      check(
        new Set([...names, 'vda']).size === names.length + 1,
        `device names must be distinct and not the root: ${names.join(', ')}`,
      );
      checkEqual(bare(result.blockDeviceMapping[1].deviceName), 'vdd', 'a row that already had a name');
    },
  },
  {
    name: 'the device name for a new row avoids every name taken',
    async run(kit) {
      const uuid = await kit.spawn();
      const bdms: BlockDeviceMappingInput[] = [
        { sourceType: 'image', destinationType: 'local', deviceName: '/dev/vda', bootIndex: 0 },
        { sourceType: 'volume', destinationType: 'volume', deviceName: '/dev/vdb' },
      ];
      const name = await kit.driver.getDeviceNameForInstance(kit.ctx, {
        ...kit.full(uuid),
        bdms,
        blockDevice: { sourceType: 'volume', destinationType: 'volume' },
      });
      check(
        typeof name === 'string' && DEVICE_NAME_PATTERN.test(name),
        `getDeviceNameForInstance must return a device name, got ${JSON.stringify(name)}`,
      );
      check(!['vda', 'vdb'].includes(bare(name)), `the new device name must not be taken, got ${name}`);
      await checkRejects(
        kit.driver.getDeviceNameForInstance(
          kit.ctx,
          malformed({
            ...kit.full(uuid),
            bdms: [{ sourceType: 'tape', destinationType: 'local' }],
            blockDevice: { sourceType: 'volume', destinationType: 'volume' },
          }),
        ),
        'VALIDATION_FAILED',
        "sourceType 'tape'",
      );
      await checkRejects(
        kit.driver.defaultDeviceNamesForInstance(kit.ctx, { ...kit.full(uuid), rootDeviceName: '../vda' }),
        'VALIDATION_FAILED',
        'root device ../vda',
      );
    },
  },
  {
    name:
      'the device name for a new volume is free on the instance: with volumes attached and detached in ' +
      'different orders, never the root nor a device in use, and the volume attaches there',
    requires: ['volume'],
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const root = bare(
        await kit.driver.defaultRootDeviceName(kit.ctx, { ...kit.full(uuid), imageMeta: kit.imageMeta }),
      );
      const attached = new Map<string, VolumeConnectionInfo>();
      const attachNext = async (): Promise<void> => {
        const inUse = [...attached.keys()];
        const rows = inUse.map((d) => volumeRow(`/dev/${d}`));
        const asks: [string, GetDeviceNameForInstanceRequest][] = [
          [
            "the caller's mapping lists the root and every volume",
            { ...kit.full(uuid), bdms: [bootRow(`/dev/${root}`), ...rows], blockDevice: volumeRow() },
          ],
          ["the caller's mapping is empty", { ...kit.full(uuid), bdms: [], blockDevice: volumeRow() }],
          [
            'a free device wished',
            { ...kit.full(uuid), bdms: [bootRow(`/dev/${root}`), ...rows], blockDevice: volumeRow('/dev/vdz') },
          ],
          ...inUse.map((d): [string, GetDeviceNameForInstanceRequest] => [
            `${d}, in use, wished`,
            { ...kit.full(uuid), bdms: [bootRow(`/dev/${root}`), ...rows], blockDevice: volumeRow(`/dev/${d}`) },
          ]),
        ];
        const answers: string[] = [];
        for (const [what, request] of asks) {
          const name: string = await kit.driver.getDeviceNameForInstance(kit.ctx, request);
          check(
            typeof name === 'string' && DEVICE_NAME_PATTERN.test(name),
            `getDeviceNameForInstance (${what}) must return a device name, got ${JSON.stringify(name)}`,
          );
          check(
            ![root, ...inUse].includes(bare(name)),
            `getDeviceNameForInstance (${what}) answered ${name}, taken (root ${root}, volumes at ` +
              `${inUse.join(', ') || 'none'})`,
          );
          answers.push(bare(name));
        }
        const device = answers[0]!;
        kit.step(`attaching a volume at ${device}, the name the driver gave`);
        const volume = await kit.volume();
        await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, device));
        attached.set(device, volume);
      };
      const detach = async (index: number): Promise<void> => {
        const [device, volume] = [...attached][index]!;
        kit.step(`detaching the volume at ${device}`);
        await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, device));
        attached.delete(device);
      };
      for (let i = 0; i < 3; i++) await attachNext();
      await detach(1);
      await attachNext();
      await detach(0);
      await attachNext();
      await attachNext();
      while (attached.size > 0) await detach(attached.size - 1);
      await attachNext();
      await detach(0);
    },
  },
  {
    name: 'a root device the instance names, other than the default one, is never answered for a new device',
    async run(kit) {
      const uuid = await kit.spawn();
      for (const root of ['/dev/sda', '/dev/vdc']) {
        const instance = { ...kit.instance(uuid), rootDeviceName: root };
        for (const wish of [undefined, root]) {
          const what = `root ${root} named by the instance, ${wish ? 'wished' : 'nothing wished'}`;
          const name: string = await kit.driver.getDeviceNameForInstance(kit.ctx, {
            instance,
            bdms: [],
            blockDevice: volumeRow(wish),
          });
          checkDistinctNames([name], bare(root), `getDeviceNameForInstance (${what})`);
        }
      }
    },
  },
  {
    name: "device names stay valid and distinct past the 26th device, whatever the root's name",
    async run(kit) {
      const ephemeral: BlockDeviceMappingInput = { sourceType: 'blank', destinationType: 'local', volumeSizeGb: 1 };
      const swap: BlockDeviceMappingInput = { ...ephemeral, guestFormat: 'swap' };
      const volumes = Array.from({ length: 30 }, () => volumeRow());
      const asks: [string, Partial<DefaultDeviceNamesForInstanceRequest>][] = [
        ['/dev/vda', { ephemerals: [ephemeral], blockDeviceMapping: volumes }],
        ['/dev/sda', { swap: [swap], blockDeviceMapping: volumes }],
        ['/dev/xvda', { ephemerals: [ephemeral, ephemeral], swap: [swap] }],
      ];
      for (const [root, lists] of asks) {
        kit.step(`naming ${JSON.stringify(Object.keys(lists))} rows after the root ${root}`);
        const result = await kit.driver.defaultDeviceNamesForInstance(kit.ctx, {
          ...kit.full(unknownInstance()),
          rootDeviceName: root,
          ...lists,
        });
        checkEqual(
          [result.ephemerals.length, result.swap.length, result.blockDeviceMapping.length],
          [lists.ephemerals?.length ?? 0, lists.swap?.length ?? 0, lists.blockDeviceMapping?.length ?? 0],
          `rows per kind after the root ${root}`,
        );
        checkDistinctNames(
          [...result.ephemerals, ...result.swap, ...result.blockDeviceMapping].map(
            (r: { deviceName?: string }) => r.deviceName,
          ),
          bare(root),
          `defaultDeviceNamesForInstance after the root ${root}`,
        );
      }
      const uuid = await kit.spawn();
      const taken = Array.from({ length: 28 }, (_, i) => `vd${deviceSuffix(i)}`);
      kit.step(`asking a device name with ${taken.join(', ')} taken`);
      const name: string = await kit.driver.getDeviceNameForInstance(kit.ctx, {
        ...kit.full(uuid),
        bdms: [bootRow('/dev/vda'), ...taken.slice(1).map((d) => volumeRow(`/dev/${d}`))],
        blockDevice: volumeRow(),
      });
      checkDistinctNames([name], taken, 'getDeviceNameForInstance with vda to vdab taken');
    },
  },
]);

/** `volume.fsFormat`. */
export const fsFormatSuite = defineSuite('volume.fsFormat', [
  {
    name:
      'answers a stable boolean per file system type, false for a made-up one; a malformed type is ' +
      'VALIDATION_FAILED',
    async run(kit) {
      for (const fsType of ['ext4', 'xfs', 'vfat']) {
        const answer = await kit.driver.isSupportedFsFormat(kit.ctx, { fsType });
        check(
          typeof answer === 'boolean',
          `isSupportedFsFormat(${fsType}) must be a boolean, got ${JSON.stringify(answer)}`,
        );
        checkEqual(
          await kit.driver.isSupportedFsFormat(kit.ctx, { fsType }),
          answer,
          `isSupportedFsFormat(${fsType}) asked twice`,
        );
      }
      checkEqual(
        await kit.driver.isSupportedFsFormat(kit.ctx, { fsType: 'kit-no-such-fs' }),
        false,
        'isSupportedFsFormat(kit-no-such-fs)',
      );
      await checkRejects(
        kit.driver.isSupportedFsFormat(kit.ctx, { fsType: 'EXT4; rm -rf' }),
        'VALIDATION_FAILED',
        'fsType with a shell fragment',
      );
    },
  },
]);

function attachRequest(
  kit: KitContext,
  uuid: string,
  connectionInfo: VolumeConnectionInfo,
  mountpoint: string,
  extra: Partial<AttachVolumeRequest> = {},
): AttachVolumeRequest {
  return { ...kit.full(uuid), connectionInfo, mountpoint, ...extra };
}

/** The swap of `oldConnectionInfo` at `mountpoint` for `newConnectionInfo`. */
function swapRequest(
  kit: KitContext,
  uuid: string,
  oldConnectionInfo: VolumeConnectionInfo,
  newConnectionInfo: VolumeConnectionInfo,
  mountpoint = 'vdb',
): SwapVolumeRequest {
  return { ...kit.full(uuid), oldConnectionInfo, newConnectionInfo, mountpoint };
}

/**
 * The contract's CONFLICT probe: attaching `volume` at `mountpoint` of `uuid` is refused, because it is attached
 * (there at another device, or to another instance without multiattach) or the device is taken.
 */
async function attachRefused(
  kit: KitContext,
  uuid: string,
  volume: VolumeConnectionInfo,
  mountpoint: string,
  what: string,
): Promise<void> {
  await checkRejects(kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, mountpoint)), 'CONFLICT', what);
}

/** Swapping `oldVolume` at vdb of `uuid` for `newVolume` is refused with `code` (callers check nothing changed). */
async function swapRefused(
  kit: KitContext,
  uuid: string,
  oldVolume: VolumeConnectionInfo,
  newVolume: VolumeConnectionInfo,
  code: 'CONFLICT' | 'NOT_FOUND',
  what: string,
): Promise<void> {
  await checkRejects(kit.driver.swapVolume(kit.ctx, swapRequest(kit, uuid, oldVolume, newVolume)), code, what);
}

/** `volume` is free: it attaches at `mountpoint` of `uuid`, and is detached again. */
async function attachAndDetach(
  kit: KitContext,
  uuid: string,
  volume: VolumeConnectionInfo,
  mountpoint: string,
): Promise<void> {
  await kit.driver.attachVolume(kit.ctx, attachRequest(kit, uuid, volume, mountpoint));
  await kit.driver.detachVolume(kit.ctx, attachRequest(kit, uuid, volume, mountpoint));
}

/** numDisks from diagnostics, when the driver advertises them (an optional read-back). */
async function diskCount(kit: KitContext, uuid: string): Promise<number | undefined> {
  if (!kit.supports('diagnostics')) return undefined;
  return (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).numDisks;
}

/** A volume row of a block-device mapping, named `deviceName` when given. */
function volumeRow(deviceName?: string): BlockDeviceMappingInput {
  return { sourceType: 'volume', destinationType: 'volume', ...(deviceName ? { deviceName } : {}) };
}

/** The boot row of an image-booted instance whose root disk is `deviceName`. */
function bootRow(deviceName: string): BlockDeviceMappingInput {
  return { sourceType: 'image', destinationType: 'local', deviceName, bootIndex: 0 };
}

/** `a` ... `z`, `aa` ... : the letters after a device prefix, as guests count devices. */
function deviceSuffix(i: number): string {
  const letter = (n: number): string => String.fromCharCode(97 + n);
  return i < 26 ? letter(i) : deviceSuffix(Math.floor(i / 26) - 1) + letter(i % 26);
}

/** Every name is a device name, none twice, none in `taken` (bare names). */
function checkDistinctNames(
  names: readonly (string | undefined)[],
  taken: string | readonly string[],
  what: string,
): void {
  const bad = names.filter((n) => typeof n !== 'string' || !DEVICE_NAME_PATTERN.test(n));
  check(bad.length === 0, `${what}: not device names: ${JSON.stringify(bad)}`);
  const bareNames = names.map(bare);
  const clash = bareNames.filter((n, i) => bareNames.indexOf(n) !== i || [taken].flat().includes(n));
  check(clash.length === 0, `${what}: names given twice or taken: ${clash.join(', ')} (all: ${bareNames.join(', ')})`);
}

function bare(device: string | undefined): string {
  return (device ?? '').replace(/^\/dev\//, '');
}
