import { PowerState } from '@virtkit/core';
import { ctx, pair, ref, spawnRequest, state } from './helpers';

describe('rebuild with recreate (evacuate)', () => {
  it('rebuilds an instance on a host that never knew it', async () => {
    const { a, b } = pair();
    const req = spawnRequest();
    await a.spawn(ctx, req);
    // host-a is lost; the orchestrator re-creates the instance on host-b from shared storage
    await b.rebuild(ctx, { instance: req.instance, imageMeta: req.imageMeta, recreate: true });
    expect(await state(b, req.instance.uuid)).toBe(PowerState.RUNNING);
    await a.destroy(ctx, ref(req.instance.uuid));
    await b.destroy(ctx, ref(req.instance.uuid));
  });

  it('without recreate, an unknown instance is INSTANCE_NOT_FOUND', async () => {
    const { b } = pair();
    const req = spawnRequest();
    await expect(b.rebuild(ctx, { instance: req.instance, imageMeta: req.imageMeta })).rejects.toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
    });
  });
});
