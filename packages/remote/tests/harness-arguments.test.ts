import { MemoryDriver } from '@virtkit/memory';
import { remoteDriverDefinition, serveDriver } from '@virtkit/remote';
import { tempDir } from './helpers';

class Clock {
  readonly zone = 'UTC';
  now(): number {
    return Date.now();
  }
}

describe('fixture arguments cross the harness as data; behaviour stays on the caller side', () => {
  it('keeps plain data; drops functions, class instances and objects of methods only (loggers)', async () => {
    const tmp = tempDir();
    const received: unknown[] = [];
    const server = await serveDriver(new MemoryDriver({ hostname: 'args' }), {
      listen: `unix:${tmp.socket}`,
      harness: {
        create: (hostApi) => new MemoryDriver(hostApi),
        fixtures: { echo: (...args: unknown[]) => (received.push(...args), args.length) },
      },
    });
    try {
      const definition = await remoteDriverDefinition(server.target);
      const source = definition.conformance;
      const fixtures = (typeof source === 'function' ? await source() : source) as {
        echo: (...a: unknown[]) => Promise<unknown>;
      };
      const logger = { debug() {}, info() {}, warn() {}, error() {} };
      // Not shaped like a logger: the rule is about behaviour, not about a particular kind of object.
      const reporter = { report: (): void => {}, flush: (): void => {} };
      const mixed = { name: 'm', report: (): void => {} };
      const hostApi = {
        hostname: 'node-a',
        logger,
        reporter,
        mixed,
        empty: {},
        clock: new Clock(),
        onEvent: (): void => {},
        options: { accel: 'tcg', sizes: [1, 2], nested: { keep: true, drop: () => 1, log: logger } },
        list: [1, () => 2, { a: 1 }, new Clock()],
      };
      expect(await fixtures.echo(hostApi, () => 'top-level function', new Clock(), 'plain')).toBe(4);
      expect(received).toEqual([
        {
          hostname: 'node-a',
          mixed: { name: 'm' },
          empty: {},
          options: { accel: 'tcg', sizes: [1, 2], nested: { keep: true } },
          list: [1, null, { a: 1 }, null],
        },
        null,
        null,
        'plain',
      ]);
      // The caller's objects are untouched.
      expect(typeof hostApi.logger.debug).toBe('function');
      expect(hostApi.options.nested.log).toBe(logger);
    } finally {
      await server.close();
      tmp.remove();
    }
  });
});
