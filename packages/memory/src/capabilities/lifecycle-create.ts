import {
  PowerState,
  ValidationError,
  type Flavor,
  type ImageMeta,
  type Instance,
  type SpawnRequest,
} from '@virtkit/core';
import { attachmentsOf } from '../model/attachments.js';
import { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics } from '../model/nics.js';
import { admit } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhileHostOff } from '../model/state-guards.js';

// How the memory driver creates a guest: spawn, an evacuation (rebuild with `recreate`) and a cold migration's
// destination without staged disks all build the same record; lifecycle.ts and migration.ts hold the hooks.

const { RUNNING, SHUTDOWN } = PowerState;

/** Spawn's work, also an evacuation's: all or nothing (the SDK's cleanup undoes a `spawn.boot` failure). */
export function createGuest(host: MemoryHost, req: SpawnRequest): void {
  const { instance, imageMeta } = req;
  // accelInfo: the SDK refuses it (NOT_SUPPORTED) before spawn's and rebuild's hooks, the feature being unsupported.
  refuseWhileHostOff(host, 'spawn', instance.uuid);
  checkImageType(host, imageMeta);
  const record = newRecord(host, instance, imageMeta);
  const vifs = req.networkInfo ?? [];
  checkNics(undefined, vifs);
  for (const vif of vifs) addNic(record, vif);
  const volumes = attachmentsOf(req.blockDeviceInfo, 'spawn');
  // Stryker disable next-line ConditionalExpression: setting no volumes only creates the extras (memory, no behaviour)
  if (volumes) record.more().volumes = volumes;
  // Stryker disable next-line all: injected files are kept as sizes only, and no call of the contract reads them back
  for (const file of req.injectedFiles ?? []) {
    // Stryker disable next-line all: as above
    (record.more().files ??= new Map()).set(file.path, Buffer.from(file.contents, 'base64').length);
  }
  admit(host, record);
  host.ports.failures.check('spawn.boot');
  record.setState(req.powerOn === false ? SHUTDOWN : RUNNING);
}

/** The image's format must be one the driver declares it boots. @throws `VALIDATION_FAILED` */
export function checkImageType(host: MemoryHost, imageMeta: ImageMeta): void {
  const format = imageMeta.diskFormat;
  if (format !== undefined && !host.ports.capabilities.imageTypes.includes(format)) {
    // Stryker disable next-line all: wording (the kit checks the code VALIDATION_FAILED)
    const messages = [`the memory driver does not boot ${format} images`];
    throw new ValidationError('spawn', [{ path: 'imageMeta.diskFormat', messages }]);
  }
}

/** The instance has the volumes `req` asks for, at the same devices (a retried spawn's check). */
export function sameVolumes(record: InstanceRecord, req: SpawnRequest): boolean {
  const have = record.extras?.volumes;
  const want = attachmentsOf(req.blockDeviceInfo, 'spawn');
  if ((have?.size ?? 0) !== (want?.size ?? 0)) return false;
  // Stryker disable next-line ArrayDeclaration,OptionalChaining: sizes matched above (0 = none); a string has no ids
  for (const [key, attachment] of want ?? []) if (have?.get(key)?.volumeId !== attachment.volumeId) return false;
  return true;
}

/** The image an instance runs: the image metadata's id, the instance's image reference, or the image's name. */
export function imageOf(instance: Pick<Instance, 'imageRef'>, imageMeta: ImageMeta): string | undefined {
  // Stryker disable next-line LogicalOperator: out of reach (which field names "the same image" is the driver's: the
  // QEMU driver compares its boot files; the kit's images differ in every field)
  return imageMeta.id ?? instance.imageRef ?? imageMeta.name;
}

/** A new record for `instance` on `host`, sized by its flavor, before its NICs, volumes and placement. */
export function newRecord(
  host: MemoryHost,
  instance: Pick<Instance, 'uuid' | 'name' | 'imageRef'> & { flavor: Flavor },
  imageMeta: ImageMeta,
): InstanceRecord {
  const identity = {
    uuid: instance.uuid,
    name: instance.name,
    seq: host.nextSeq(),
    flavor: instance.flavor.name,
    image: imageOf(instance, imageMeta) ?? '',
  };
  return new InstanceRecord(identity, amountsOf(instance.flavor));
}
