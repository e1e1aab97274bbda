import { KeyedQueue } from './instance-queue.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('KeyedQueue', () => {
  it('runs tasks of one key in arrival order, one at a time', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      running--;
    };
    await Promise.all([q.run('a', task('1', 5)), q.run('a', task('2', 1)), q.run('a', task('3', 1))]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(q.busyKeys).toBe(0);
  });

  it('runs different keys in parallel', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    await Promise.all([
      q.run('a', async () => {
        log.push('a+');
        await tick(5);
        log.push('a-');
      }),
      q.run('b', async () => {
        log.push('b+');
        await tick(1);
        log.push('b-');
      }),
    ]);
    expect(log).toEqual(['a+', 'b+', 'b-', 'a-']);
  });

  it('keeps going after a failed task', async () => {
    const q = new KeyedQueue();
    const first = q.run('a', async () => {
      throw new Error('boom');
    });
    const second = q.run('a', async () => 42);
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(42);
  });

  it('is re-entrant for the same key (no self-deadlock), still exclusive for others', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const outer = q.run('a', async () => {
      log.push('outer+');
      await tick(2);
      await q.run('a', async () => {
        log.push('inner');
      });
      log.push('outer-');
    });
    const other = q.run('a', async () => {
      log.push('next');
    });
    await Promise.all([outer, other]);
    expect(log).toEqual(['outer+', 'inner', 'outer-', 'next']);
  });

  it('treats the same key of another queue as another lock (a task of another waits its turn)', async () => {
    const [a, b] = [new KeyedQueue(), new KeyedQueue()];
    const log: string[] = [];
    const busy = b.run('x', async () => {
      log.push('b+');
      await tick(5);
      log.push('b-');
    });
    await a.run('x', async () => {
      await b.run('x', async () => {
        log.push('nested');
      });
    });
    await busy;
    expect(log).toEqual(['b+', 'b-', 'nested']);
  });

  // Issue "Hardening": one AsyncLocalStorage per queue (per driver) was never released and slowed every
  // promise of the process in proportion to the drivers ever created.
  it('shares one AsyncLocalStorage between all queues, however many drivers are created', async () => {
    let created = 0;
    let Fresh!: typeof KeyedQueue;
    jest.isolateModules(() => {
      jest.doMock('node:async_hooks', () => {
        const real = jest.requireActual<typeof import('node:async_hooks')>('node:async_hooks');
        return {
          ...real,
          AsyncLocalStorage: class extends real.AsyncLocalStorage<unknown> {
            constructor() {
              super();
              created++;
            }
          },
        };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously
      Fresh = (require('./instance-queue.js') as typeof import('./instance-queue.js')).KeyedQueue;
    });
    for (let i = 0; i < 50; i++) await new Fresh().run('k', async () => i);
    expect(created).toBe(1);
  });
});

describe('KeyedQueue re-entrancy ends with the task', () => {
  it('a timer started inside a task queues normally once the task is over', async () => {
    const q = new KeyedQueue();
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
    };
    let late: Promise<void> | undefined;
    await q.run('a', async () => {
      setTimeout(() => void (late = q.run('a', slow)), 5);
    });
    const other = q.run('a', slow);
    await new Promise((r) => setTimeout(r, 10));
    await Promise.all([other, late]);
    expect(maxInFlight).toBe(1);
  });
});

describe('KeyedQueue without re-entry tracking (issue "Performance")', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs non-reentrant tasks of one key one at a time, in arrival order, mixed with reentrant ones', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await tick(ms);
      log.push(`${name}-`);
    };
    await Promise.all([q.run('a', task('1', 5), false), q.run('a', task('2', 1)), q.run('a', task('3', 1), false)]);
    expect(log).toEqual(['1+', '1-', '2+', '2-', '3+', '3-']);
    expect(q.busyKeys).toBe(0);
  });

  it('still recognises re-entry after the tracking was switched off and on again', async () => {
    const q = new KeyedQueue();
    await q.run('a', async () => undefined); // settles: nothing held, tracking off
    const log: string[] = [];
    await q.run('a', async () => {
      await tick(1);
      await q.run('a', async () => void log.push('inner'));
      log.push('outer');
    });
    expect(log).toEqual(['inner', 'outer']);
  });
});

describe('KeyedQueue taken and given back directly (the guarded path, issue "Performance")', () => {
  it('takes an idle key at once, refuses a held one, and hands it to waiters in arrival order', async () => {
    const q = new KeyedQueue();
    expect(q.tryAcquire('a')).toBe(true);
    expect(q.tryAcquire('a')).toBe(false);
    expect(q.tryAcquire('b')).toBe(true); // a second key, held while the first is
    const order: string[] = [];
    const w1 = q.acquire('a').then(() => order.push('a1'));
    const w2 = q.acquire('a').then(() => order.push('a2'));
    const w3 = q.acquire('b').then(() => order.push('b1'));
    expect(q.busyKeys).toBe(2);
    q.release('b');
    await w3;
    q.release('a');
    await w1;
    expect(q.tryAcquire('a')).toBe(false); // handed to the waiter, never idle in between
    q.release('a');
    await w2;
    q.release('a');
    q.release('b');
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(q.busyKeys).toBe(0);
    expect(q.tryAcquire('a')).toBe(true);
    q.release('a');
  });

  it('stays exclusive per key with many keys in flight, and forgets idle keys (memory follows busy ones)', async () => {
    const q = new KeyedQueue();
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    const call = async (key: string): Promise<void> => {
      if (!q.tryAcquire(key)) await q.acquire(key);
      try {
        const n = (inFlight.get(key) ?? 0) + 1;
        if (n > 1) overlaps++;
        inFlight.set(key, n);
        await tick(0);
        inFlight.set(key, n - 1);
      } finally {
        q.release(key);
      }
    };
    const keys = Array.from({ length: 2000 }, (_, i) => `k${i % 700}`);
    await Promise.all(keys.map(call));
    expect(overlaps).toBe(0);
    expect(q.busyKeys).toBe(0);
    // Idle keys left in the map are swept: after many distinct keys, taking a fresh key is still cheap and correct.
    for (let i = 0; i < 5000; i++) {
      expect(q.tryAcquire(`x${i}`)).toBe(true);
      expect(q.tryAcquire(`y${i}`)).toBe(true);
      q.release(`y${i}`);
      q.release(`x${i}`);
    }
    expect(q.busyKeys).toBe(0);
  });

  it('recognises a call made from inside a tracked task as holding the key', async () => {
    const q = new KeyedQueue();
    let inside: boolean | undefined;
    await q.run('a', async () => {
      await tick(0);
      inside = q.heldByCaller('a');
    });
    expect(inside).toBe(true);
    expect(q.heldByCaller('a')).toBe(false);
  });
});
