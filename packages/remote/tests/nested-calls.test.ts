import { supports } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { randomUUID } from 'node:crypto';
import { FLAVOR, postJson, servedForSuite, spawnRequest } from './helpers';

/** Resolve with `promise`, or with 'hung' after `ms`. */
function orHung<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

describe('a call made from inside a served call (an orchestrator callback calling the driver again)', () => {
  const served = new MemoryDriver({ hostname: 'nested' });
  const suite = servedForSuite(served);

  it('is the same operation on the serving side, as in process: it runs at once instead of waiting for itself', async () => {
    const { driver } = suite;
    if (!supports(driver, 'lifecycle') || !supports(driver, 'lifecycle.rebuild') || !supports(driver, 'network.macs'))
      throw new Error('the served map lacks lifecycle, lifecycle.rebuild or network.macs');
    const req = spawnRequest();
    await driver.spawn({}, req);
    const instance = { uuid: req.instance.uuid, flavor: FLAVOR };
    const seen: unknown[] = [];
    // rebuild holds the instance on the serving side while its callbacks run on this side; each makes a call of the
    // instance being rebuilt (one that takes the instance), which in process runs inside the rebuild.
    const rebuilt = driver.rebuild(
      {},
      {
        instance,
        imageMeta: { id: 'other' },
        detachBlockDevices: async () => void seen.push(await driver.macsForInstance({}, { instance })),
        attachBlockDevices: async () => {
          seen.push(await driver.macsForInstance({}, { instance }));
          return undefined;
        },
      },
    );
    expect(await orHung(rebuilt, 10_000)).not.toBe('hung');
    expect(seen).toHaveLength(2);
    // Outside the callback the same read is an ordinary call again, queued behind whatever holds the instance.
    expect((await driver.getInfo({}, { instance })).state).toBe(1);
    await driver.destroy({}, { instance });
  });

  it('an operation id the server is not running (a forged one) makes an ordinary call, queued as any other', async () => {
    const { driver } = suite;
    if (!supports(driver, 'lifecycle') || !supports(driver, 'lifecycle.rebuild'))
      throw new Error('the served map lacks lifecycle or lifecycle.rebuild');
    const req = spawnRequest();
    await driver.spawn({}, req);
    const instance = { uuid: req.instance.uuid, flavor: FLAVOR };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    // The rebuild holds the instance while its callback waits on the gate.
    const rebuilt = driver.rebuild(
      {},
      {
        instance,
        imageMeta: { id: 'other' },
        detachBlockDevices: async () => {
          entered();
          await gate;
        },
      },
    );
    await inside;
    // A plain client naming an operation it was never given: its call of the held instance waits its turn.
    let released = false;
    const call = { method: 'macsForInstance', request: { instance: { uuid: instance.uuid } } };
    const forged = postJson(suite.socket, '/virtkit.v1.DriverService/Call', call, {
      'virtkit-operation': randomUUID(),
    }).then((r) => ({ ...r, afterRelease: released }));
    expect(await orHung(forged, 500)).toBe('hung');
    released = true;
    release();
    await rebuilt;
    expect(await forged).toMatchObject({ status: 200, afterRelease: true });
    await driver.destroy({}, { instance });
  });
});
