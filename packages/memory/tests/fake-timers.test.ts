// The memory driver as an orchestrator's test double under jest's fake timers: its clock is the global
// `performance`, which the fake timers replace, so a running guest's CPU time follows the faked time.
import type { MemoryDriver as MemoryDriverClass } from '../src/index.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
const ref = { instance: { uuid: UUID } };

afterEach(() => jest.useRealTimers());

it("moves a running guest's CPU time with the faked clock, when fake timers came first", async () => {
  jest.useFakeTimers();
  // Loaded after the fake timers (as with jest's `fakeTimers: { enableGlobally: true }`): the clock's origin is
  // faked too.
  let MemoryDriver!: typeof MemoryDriverClass;
  jest.isolateModules(() => {
    ({ MemoryDriver } = jest.requireActual<typeof import('../src/index.js')>('../src/index.js'));
  });
  const d = new MemoryDriver({ hostname: 'fake-clock' }, {});
  const flavor = { name: 'm1', vcpus: 2, memoryMb: 512, rootGb: 1 };
  await d.spawn(ctx, {
    instance: { uuid: UUID, name: 'vm', flavor },
    imageMeta: { id: 'cirros', diskFormat: 'qcow2' },
  });
  const before = (await d.getInfo(ctx, ref)).cpuTimeNs ?? Number.NaN;
  await jest.advanceTimersByTimeAsync(10_000);
  const after = (await d.getInfo(ctx, ref)).cpuTimeNs ?? Number.NaN;
  // 2 vCPUs for 10 faked seconds; real time during the test adds only a little.
  expect(after - before).toBeGreaterThanOrEqual(2 * 10_000 * 1e6);
  expect(after - before).toBeLessThan(2 * 11_000 * 1e6);
});
