import 'reflect-metadata';
import { MapTestDriver } from '../testing/map-test-driver.js';
import { PowerState } from '../model/power-state.js';
import { listInstanceStates } from './list-instance-states.js';
import { eventsSince } from './events-since.js';

const [A, B, C] = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
];

describe('listInstanceStates', () => {
  it('reads the instances the SDK has not seen once, then lists all at one sequence', async () => {
    const d = new MapTestDriver({ hostname: 'node-1' });
    // There before the driver started: the SDK has never seen them.
    d.states.set(A, PowerState.RUNNING).set(B, PowerState.SHUTDOWN);
    await d.spawn(
      {},
      { instance: { uuid: C, flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } }, imageMeta: {} },
    );
    const listing = await listInstanceStates(d);
    expect(listing.sequence).toBe(1);
    expect(listing.host).toBe('node-1');
    expect(new Map(listing.instances.map((i) => [i.uuid, i.state]))).toEqual(
      new Map([
        [A, 1],
        [B, 4],
        [C, 1],
      ]),
    );
    // Reading what was already there is not an event.
    expect(eventsSince(d, 0).events.map((e) => e.instanceUuid)).toEqual([C]);
  });
});
