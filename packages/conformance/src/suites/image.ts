import { PowerState, type ProgressReport } from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import { snapshotImage } from '../kit/snapshot-image.js';
import { defineSuite } from '../kit/suite.js';
import { inStates, unknownInstance } from '../kit/traits.js';

const PHASES = new Set(['pending_upload', 'uploading', 'complete']);

/** `image.snapshot`: progress, states kept, refusals. */
export const imageSnapshotSuite = defineSuite('image.snapshot', [
  ...inStates(['running', 'paused', 'stopped', 'suspended'], (t) => ({
    name: `a snapshot while ${t.label} reports increasing progress ending at one 100; the instance stays ${t.label}`,
    needs: ['createImage'] as const,
    async run(kit, uuid) {
      const { ctx, reports } = kit.progress();
      await kit.driver.snapshot(ctx, { ...kit.ref(uuid), imageId: await snapshotImage(kit) });
      checkSnapshotProgress(reports);
      await kit.expectState(uuid, t.state, 'snapshot');
    },
  })),
  {
    name: 'a progress listener that throws does not fail the snapshot',
    needs: ['createImage'],
    async run(kit) {
      const uuid = await kit.spawn();
      const ctx = {
        ...kit.ctx,
        onProgress: () => {
          throw new Error('listener failure (expected by the kit)');
        },
      };
      await kit.driver.snapshot(ctx, { ...kit.ref(uuid), imageId: await snapshotImage(kit) });
      await kit.expectState(uuid, PowerState.RUNNING, 'snapshot with a throwing listener');
    },
  },
  {
    name:
      'a snapshot of an unknown instance is INSTANCE_NOT_FOUND and reports no progress; a malformed image id is ' +
      'VALIDATION_FAILED',
    async run(kit) {
      const { ctx, reports } = kit.progress();
      await checkRejects(
        kit.driver.snapshot(ctx, { ...kit.ref(unknownInstance()), imageId: 'kit-image' }),
        'INSTANCE_NOT_FOUND',
        'snapshot(unknown)',
      );
      checkEqual(reports.length, 0, 'progress reports of a refused snapshot');
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.snapshot(kit.ctx, malformed({ ...kit.ref(uuid), imageId: 42 })),
        'VALIDATION_FAILED',
        'snapshot(imageId 42)',
      );
      await kit.expectState(uuid, PowerState.RUNNING, 'refused snapshot');
    },
  },
  {
    name: 'interrupted-snapshot cleanup succeeds, also for an unknown instance, and leaves the instance as it was',
    needs: ['createImage'],
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.postInterruptedSnapshotCleanup(kit.ctx, kit.ref(uuid));
      await kit.driver.postInterruptedSnapshotCleanup(kit.ctx, kit.ref(unknownInstance()));
      await kit.expectState(uuid, PowerState.RUNNING, 'postInterruptedSnapshotCleanup');
      await kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId: await snapshotImage(kit) });
    },
  },
]);

/** `image.cache`. */
export const imageCacheSuite = defineSuite('image.cache', [
  {
    name: 'pruning keeps the images in use: instances keep their state and the image still boots',
    async run(kit) {
      const running = await kit.spawn();
      const stopped = await kit.spawn({ powerOn: false });
      const allInstances = [running, stopped].map((uuid) => ({
        ...kit.instance(uuid),
        imageRef: kit.imageMeta.id ?? kit.imageMeta.name,
      }));
      await kit.driver.manageImageCache(kit.ctx, { allInstances });
      await kit.driver.manageImageCache(kit.ctx, { allInstances });
      await kit.expectState(running, PowerState.RUNNING, 'manageImageCache');
      await kit.driver.powerOn(kit.ctx, kit.ref(stopped));
      await kit.expectState(stopped, PowerState.RUNNING, 'powerOn after manageImageCache');
      await kit.driver.reboot(kit.ctx, { ...kit.ref(running), rebootType: 'HARD' });
      await kit.expectState(await kit.spawn(), PowerState.RUNNING, 'spawn from the same image after pruning');
      await kit.driver.manageImageCache(kit.ctx, { allInstances: [] });
      await checkRejects(
        kit.driver.manageImageCache(kit.ctx, malformed({ allInstances: 'all' })),
        'VALIDATION_FAILED',
        "manageImageCache(allInstances: 'all')",
      );
    },
  },
]);

/** Fail unless the reports never decrease, use the documented phases, and end with exactly one 100 (`complete`). */
function checkSnapshotProgress(reports: readonly ProgressReport[]): void {
  const percents = reports.map((r) => r.percent);
  check(percents.length >= 2, `a snapshot must report progress before it completes, got ${JSON.stringify(percents)}`);
  check(
    percents.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= percents[i - 1]!)),
    `snapshot progress must never decrease: ${percents.join(',')}`,
  );
  check(
    percents.indexOf(100) === percents.length - 1,
    `snapshot progress must end with exactly one 100: ${percents.join(',')}`,
  );
  checkEqual(reports[reports.length - 1]!.phase, 'complete', 'the phase of the last report');
  const phases = reports.map((r) => r.phase).filter((p) => p !== undefined);
  check(
    phases.every((p) => PHASES.has(p!)),
    `snapshot phases must be pending_upload, uploading, complete; got ${phases.join(',')}`,
  );
}
