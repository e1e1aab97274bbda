import { randomUUID } from 'node:crypto';
import { PowerState, type QuiesceRequest } from '@virtkit/core';
import { checkNoSecret, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';
import { inStates, unknownInstance } from '../kit/traits.js';

const { RUNNING } = PowerState;

/** `guest.password`: RUNNING only, and the password never shows. */
export const guestPasswordSuite = defineSuite('guest.password', [
  {
    name: 'set the password of a RUNNING instance; it never appears in events or errors',
    async run(kit) {
      const rec = kit.recordEvents();
      const uuid = await kit.spawn();
      const newPassword = secret();
      await kit.driver.setAdminPassword(kit.ctx, { ...kit.ref(uuid), newPassword });
      await kit.expectState(uuid, RUNNING, 'setAdminPassword');
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      const refused = await checkRejects(
        kit.driver.setAdminPassword(kit.ctx, { ...kit.ref(uuid), newPassword }),
        'INVALID_STATE',
        'setAdminPassword while SHUTDOWN',
      );
      checkNoSecret(refused, newPassword, 'the INVALID_STATE error');
      const unknown = await checkRejects(
        kit.driver.setAdminPassword(kit.ctx, { ...kit.ref(unknownInstance()), newPassword }),
        'INSTANCE_NOT_FOUND',
        'setAdminPassword(unknown)',
      );
      checkNoSecret(unknown, newPassword, 'the INSTANCE_NOT_FOUND error');
      const tooLong = `${newPassword}${'x'.repeat(256)}`;
      checkNoSecret(
        await checkRejects(
          kit.driver.setAdminPassword(kit.ctx, { ...kit.ref(uuid), newPassword: tooLong }),
          'VALIDATION_FAILED',
          'a 290-character password',
        ),
        tooLong,
        'the VALIDATION_FAILED error',
      );
      checkNoSecret(rec.events, newPassword, 'the lifecycle events');
    },
  },
  ...inStates(['paused', 'suspended'], (t) => ({
    name: `setting the password while ${t.label} is INVALID_STATE, without the password in the error`,
    async run(kit, uuid) {
      const newPassword = secret();
      checkNoSecret(
        await checkRejects(
          kit.driver.setAdminPassword(kit.ctx, { ...kit.ref(uuid), newPassword }),
          'INVALID_STATE',
          `setAdminPassword while ${t.label}`,
        ),
        newPassword,
        'the error',
      );
      await kit.expectState(uuid, t.state, 'refused setAdminPassword');
    },
  })),
]);

/** `guest.files` (deprecated). */
export const guestFilesSuite = defineSuite('guest.files', [
  {
    name:
      'inject a file into a RUNNING instance; SHUTDOWN is INVALID_STATE; bad paths and contents are ' +
      'VALIDATION_FAILED',
    async run(kit) {
      const uuid = await kit.spawn();
      const contents = Buffer.from('kit file\n').toString('base64');
      await kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: '/etc/kit-file', contents });
      await kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: '/etc/kit-file', contents });
      await checkRejects(
        kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: '/../etc/shadow', contents }),
        'VALIDATION_FAILED',
        'path /../etc/shadow',
      );
      await checkRejects(
        kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: 'etc/relative', contents }),
        'VALIDATION_FAILED',
        'a relative path',
      );
      await checkRejects(
        kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: '/etc/kit-file', contents: 'not base64!' }),
        'VALIDATION_FAILED',
        'contents that are not base64',
      );
      await checkRejects(
        kit.driver.injectFile(kit.ctx, { ...kit.ref(unknownInstance()), path: '/etc/kit-file', contents }),
        'INSTANCE_NOT_FOUND',
        'injectFile(unknown)',
      );
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await checkRejects(
        kit.driver.injectFile(kit.ctx, { ...kit.ref(uuid), path: '/etc/kit-file', contents }),
        'INVALID_STATE',
        'injectFile while SHUTDOWN',
      );
    },
  },
]);

/** `guest.metadata`. */
export const guestMetadataSuite = defineSuite('guest.metadata', [
  ...inStates(['running', 'stopped'], (t) => ({
    name: `a metadata diff is published while ${t.label}; an empty diff succeeds; the state stays`,
    async run(kit, uuid) {
      const change = (metadata: Record<string, string>, diff: object): Promise<void> =>
        kit.driver.changeInstanceMetadata(kit.ctx, { instance: { ...kit.instance(uuid), metadata }, diff });
      await change({ role: 'kit', tier: 'a' }, { set: { role: 'kit', tier: 'a' } });
      await change({ role: 'kit' }, { remove: ['tier'] });
      await change({ role: 'kit' }, {});
      await kit.expectState(uuid, t.state, 'changeInstanceMetadata');
    },
  })),
  {
    name: 'a key both set and removed is VALIDATION_FAILED; an unknown instance is INSTANCE_NOT_FOUND',
    async run(kit) {
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.changeInstanceMetadata(kit.ctx, { ...kit.full(uuid), diff: { set: { a: '1' }, remove: ['a'] } }),
        'VALIDATION_FAILED',
        'a key set and removed',
      );
      await checkRejects(
        kit.driver.changeInstanceMetadata(kit.ctx, malformed({ ...kit.full(uuid), diff: { set: { a: 1 } } })),
        'VALIDATION_FAILED',
        'a non-string value',
      );
      await checkRejects(
        kit.driver.changeInstanceMetadata(kit.ctx, { ...kit.full(unknownInstance()), diff: { set: { a: '1' } } }),
        'INSTANCE_NOT_FOUND',
        'changeInstanceMetadata(unknown)',
      );
    },
  },
]);

/** `guest.quiesce`: RUNNING only. */
export const guestQuiesceSuite = defineSuite('guest.quiesce', [
  {
    name: 'quiesce and unquiesce a RUNNING instance; unquiesce of a thawed one succeeds',
    async run(kit) {
      const uuid = await kit.spawn({ imageMeta: agentImage(kit) });
      await kit.driver.unquiesce(kit.ctx, quiesceRequest(kit, uuid));
      await kit.driver.quiesce(kit.ctx, quiesceRequest(kit, uuid));
      await kit.expectState(uuid, RUNNING, 'quiesce');
      await kit.driver.unquiesce(kit.ctx, quiesceRequest(kit, uuid));
      await kit.driver.unquiesce(kit.ctx, quiesceRequest(kit, uuid));
      await kit.expectState(uuid, RUNNING, 'unquiesce');
    },
  },
  ...inStates(['stopped', 'paused'], (t) => ({
    name: `quiesce and unquiesce while ${t.label} are INVALID_STATE`,
    async run(kit, uuid) {
      await checkRejects(
        kit.driver.quiesce(kit.ctx, quiesceRequest(kit, uuid)),
        'INVALID_STATE',
        `quiesce while ${t.label}`,
      );
      await checkRejects(
        kit.driver.unquiesce(kit.ctx, quiesceRequest(kit, uuid)),
        'INVALID_STATE',
        `unquiesce while ${t.label}`,
      );
      await kit.expectState(uuid, t.state, 'refused quiesce');
    },
  })),
  {
    name:
      'quiesce with image metadata that says there is no guest agent (hw_qemu_guest_agent no, False, 0) is ' +
      'refused and the instance stays RUNNING',
    async run(kit) {
      const uuid = await kit.spawn({ imageMeta: agentImage(kit) });
      for (const value of ['no', 'False', '0']) {
        const imageMeta = { ...kit.imageMeta, properties: { ...kit.imageMeta.properties, hw_qemu_guest_agent: value } };
        await checkRejects(
          kit.driver.quiesce(kit.ctx, { ...kit.ref(uuid), imageMeta }),
          ['INVALID_STATE', 'NOT_SUPPORTED'],
          `quiesce with hw_qemu_guest_agent=${value}`,
        );
      }
      await kit.expectState(uuid, RUNNING, 'refused quiesce');
      await kit.driver.quiesce(kit.ctx, quiesceRequest(kit, uuid));
      await kit.driver.unquiesce(kit.ctx, quiesceRequest(kit, uuid));
    },
  },
  {
    name: 'quiesce of an unknown instance is INSTANCE_NOT_FOUND; without imageMeta VALIDATION_FAILED',
    async run(kit) {
      await checkRejects(
        kit.driver.quiesce(kit.ctx, quiesceRequest(kit, unknownInstance())),
        'INSTANCE_NOT_FOUND',
        'quiesce(unknown)',
      );
      await checkRejects(
        kit.driver.quiesce(kit.ctx, malformed(kit.ref(await kit.spawn()))),
        'VALIDATION_FAILED',
        'quiesce without imageMeta',
      );
    },
  },
]);

/** The image to boot for guest-agent calls: the fixture's guest image, else the kit image marked as having an agent. */
function agentImage(kit: KitContext): object {
  return (
    kit.fixtures.guestImageMeta ?? {
      ...kit.imageMeta,
      properties: { ...kit.imageMeta.properties, hw_qemu_guest_agent: 'yes' },
    }
  );
}

function quiesceRequest(kit: KitContext, uuid: string): QuiesceRequest {
  return { ...kit.ref(uuid), imageMeta: agentImage(kit) };
}

/** A password unique to one test, so finding it anywhere is a leak. */
function secret(): string {
  return `kit-pw-${randomUUID()}`;
}
