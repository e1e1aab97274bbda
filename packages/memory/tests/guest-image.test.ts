import { randomUUID } from 'node:crypto';
import type { ProgressReport } from '@virtkit/core';
import { codeOf, ctx, driver, ref, spawn } from './helpers';

describe('guest operations', () => {
  it('password, files and metadata need the instance; password and files need RUNNING', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.setAdminPassword(ctx, { ...ref(uuid), newPassword: 's3cret-pw' });
    expect((await d.getConsoleOutput(ctx, ref(uuid))).text).not.toContain('s3cret-pw');
    await d.injectFile(ctx, { ...ref(uuid), path: '/etc/motd', contents: Buffer.from('hello').toString('base64') });
    await d.changeInstanceMetadata(ctx, { ...ref(uuid), diff: { set: { role: 'db' } } });
    await d.changeInstanceMetadata(ctx, { ...ref(uuid), diff: { remove: ['role'] } });
    await d.powerOff(ctx, ref(uuid));
    expect(await codeOf(d.setAdminPassword(ctx, { ...ref(uuid), newPassword: 'x' }))).toBe('INVALID_STATE');
    expect(await codeOf(d.injectFile(ctx, { ...ref(uuid), path: '/etc/motd', contents: '' }))).toBe('INVALID_STATE');
    await d.changeInstanceMetadata(ctx, { ...ref(uuid), diff: { set: { role: 'web' } } });
  });

  it('quiesce and unquiesce, idempotent; an image without guest agent cannot be quiesced', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.quiesce(ctx, { ...ref(uuid), imageMeta: {} });
    await d.quiesce(ctx, { ...ref(uuid), imageMeta: {} });
    await d.unquiesce(ctx, { ...ref(uuid), imageMeta: {} });
    await d.unquiesce(ctx, { ...ref(uuid), imageMeta: {} });
    expect(
      await codeOf(d.quiesce(ctx, { ...ref(uuid), imageMeta: { properties: { hw_qemu_guest_agent: 'no' } } })),
    ).toBe('INVALID_STATE');
  });
});

describe('images', () => {
  it('snapshot reports progress and stores an image; the instance keeps its state', async () => {
    const d = driver({ snapshot: { steps: 5, stepDelayMs: 1 } });
    const uuid = await spawn(d);
    await d.pause(ctx, ref(uuid));
    const reports: ProgressReport[] = [];
    const imageId = d.fabric.createImage();
    await d.snapshot({ onProgress: (p) => reports.push(p) }, { ...ref(uuid), imageId });
    expect(reports.length).toBeGreaterThanOrEqual(5);
    expect(reports[0]).toMatchObject({ percent: 0, phase: 'pending_upload' });
    expect(reports.at(-1)).toEqual({ percent: 100, phase: 'complete' });
    expect(reports.map((r) => r.percent)).toEqual([...reports.map((r) => r.percent)].sort((x, y) => x - y));
    expect(d.fabric.images.get(imageId)).toMatchObject({
      status: 'active',
      sourceUuid: uuid,
      sizeBytes: 20 * 1024 ** 3,
    });
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: 3 });
    expect(await codeOf(d.snapshot(ctx, { ...ref(uuid), imageId }))).toBe('CONFLICT');
  });

  it('an aborted snapshot leaves no data behind: the pre-created image is empty again', async () => {
    const d = driver({ snapshot: { steps: 20, stepDelayMs: 5 } });
    const uuid = await spawn(d);
    const controller = new AbortController();
    const imageId = d.fabric.createImage();
    const pending = d.snapshot(
      { signal: controller.signal, onProgress: (p) => p.percent > 20 && controller.abort() },
      { ...ref(uuid), imageId },
    );
    expect(await codeOf(pending)).toBe('ABORTED');
    await new Promise((r) => setTimeout(r, 30));
    expect(d.fabric.images.get(imageId)).toEqual({ id: imageId, status: 'queued' });
  });

  it('a rescued instance cannot be snapshotted', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.rescue(ctx, { ...ref(uuid), imageMeta: {} });
    expect(await codeOf(d.snapshot(ctx, { ...ref(uuid), imageId: d.fabric.createImage() }))).toBe('INVALID_STATE');
  });

  it('the image cache keeps images in use and prunes the others', async () => {
    const d = driver();
    const keep = await spawn(d, { imageMeta: { id: 'keep', diskFormat: 'raw' } });
    const gone = await spawn(d, { imageMeta: { id: 'gone', diskFormat: 'raw' } });
    await spawn(d, { imageMeta: { id: 'orchestrator-knows', diskFormat: 'raw' } }).then((u) => d.destroy(ctx, ref(u)));
    await d.destroy(ctx, ref(gone));
    expect(d.inspect().cachedImages).toEqual({ keep: 1, gone: 0, 'orchestrator-knows': 0 });
    await d.manageImageCache(ctx, {
      allInstances: [
        { uuid: keep, imageRef: 'keep' },
        { uuid: randomUUID(), imageRef: 'orchestrator-knows' },
      ],
    });
    expect(d.inspect().cachedImages).toEqual({ keep: 1, 'orchestrator-knows': 0 });
  });
});
