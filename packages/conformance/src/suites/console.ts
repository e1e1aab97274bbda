import { isIP } from 'node:net';
import type { CapabilityName, ConsoleInfo, ConsoleKind } from '@virtkit/core';
import { check, checkRejects, malformed } from '../kit/assertions.js';
import type { LiveConsoleCall } from '../kit/kit-context.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';
import { destroyedInstance, inStates, unknownInstance } from '../kit/traits.js';

/** `console.output`: the log tail, in every power state. */
export const consoleOutputSuite = defineSuite('console.output', [
  ...inStates(['running', 'paused', 'stopped', 'suspended'], (t) => ({
    name: `console output of a ${t.label} instance is text, and reading it changes nothing`,
    async run(kit, uuid) {
      const out = await kit.driver.getConsoleOutput(kit.ctx, kit.ref(uuid));
      check(typeof out?.text === 'string', `getConsoleOutput must return { text: string }, got ${JSON.stringify(out)}`);
      check(
        typeof out.truncated === 'boolean',
        `getConsoleOutput must say whether it truncated, got ${JSON.stringify(out.truncated)}`,
      );
      check(
        !/[\uD800-\uDFFF]/u.test(out.text),
        'console output must be valid text (invalid bytes replaced), not lone surrogates',
      );
      await kit.expectState(uuid, t.state, 'getConsoleOutput');
    },
  })),
  {
    name:
      'console output of an unknown or destroyed instance is INSTANCE_NOT_FOUND; a malformed uuid is ' +
      'VALIDATION_FAILED',
    async run(kit) {
      await checkRejects(
        kit.driver.getConsoleOutput(kit.ctx, kit.ref(unknownInstance())),
        'INSTANCE_NOT_FOUND',
        'getConsoleOutput(unknown)',
      );
      await checkRejects(
        kit.driver.getConsoleOutput(kit.ctx, kit.ref(await destroyedInstance(kit))),
        'INSTANCE_NOT_FOUND',
        'getConsoleOutput(destroyed)',
      );
      await checkRejects(
        kit.driver.getConsoleOutput(kit.ctx, kit.ref('../etc')),
        'VALIDATION_FAILED',
        'getConsoleOutput(bad uuid)',
      );
    },
  },
]);

/** A graphical or serial console capability and its call. */
interface LiveConsole {
  readonly capability: CapabilityName;
  readonly method: LiveConsoleCall;
  readonly kind: ConsoleKind;
}

const LIVE_CONSOLES: readonly LiveConsole[] = [
  { capability: 'console.vnc', method: 'getVncConsole', kind: 'vnc' },
  { capability: 'console.spice', method: 'getSpiceConsole', kind: 'spice' },
  { capability: 'console.rdp', method: 'getRdpConsole', kind: 'rdp' },
  { capability: 'console.serial', method: 'getSerialConsole', kind: 'serial' },
  { capability: 'console.mks', method: 'getMksConsole', kind: 'mks' },
];

/** The suite of one live console: only a RUNNING or PAUSED guest has one. */
function liveConsoleSuite({ capability, method, kind }: LiveConsole): KitSuite {
  return defineSuite(capability, [
    ...inStates(['running', 'paused'], (t) => ({
      name: `${kind} console of a ${t.label} instance: kind '${kind}', loopback host, port 1-65535`,
      async run(kit, uuid) {
        checkConsole(await kit.driver[method](kit.ctx, kit.ref(uuid)), kind);
        await kit.expectState(uuid, t.state, method);
      },
    })),
    ...inStates(['stopped', 'suspended'], (t) => ({
      name: `${kind} console of a ${t.label} instance is INVALID_STATE`,
      async run(kit, uuid) {
        await checkRejects(kit.driver[method](kit.ctx, kit.ref(uuid)), 'INVALID_STATE', `${method} while ${t.label}`);
        await kit.expectState(uuid, t.state, `refused ${method}`);
      },
    })),
    {
      name: `${kind} console of an unknown instance is INSTANCE_NOT_FOUND; a malformed uuid is VALIDATION_FAILED`,
      async run(kit) {
        await checkRejects(
          kit.driver[method](kit.ctx, kit.ref(unknownInstance())),
          'INSTANCE_NOT_FOUND',
          `${method}(unknown)`,
        );
        await checkRejects(
          kit.driver[method](kit.ctx, malformed({ instance: { uuid: 42 } })),
          'VALIDATION_FAILED',
          `${method}(uuid 42)`,
        );
      },
    },
  ]);
}

/** `console.vnc`, `console.spice`, `console.rdp`, `console.serial`, `console.mks`. */
export const liveConsoleSuites: readonly KitSuite[] = LIVE_CONSOLES.map(liveConsoleSuite);

/** `console.pool` (deprecated). */
export const consolePoolSuite = defineSuite('console.pool', [
  {
    name: 'pool info is address, username and password, or NOT_FOUND; a malformed console type is VALIDATION_FAILED',
    async run(kit) {
      try {
        const pool = await kit.driver.getConsolePoolInfo(kit.ctx, { consoleType: 'vnc' });
        for (const field of ['address', 'username', 'password'] as const) {
          check(
            typeof pool?.[field] === 'string',
            `getConsolePoolInfo must return a string '${field}', got ${JSON.stringify(pool?.[field])}`,
          );
        }
      } catch (error) {
        if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
      }
      // a console type no driver has: the SDK's contract says NOT_FOUND when there is no pool, never another pool
      await checkRejects(
        kit.driver.getConsolePoolInfo(kit.ctx, { consoleType: 'kit-no-such-console' }),
        'NOT_FOUND',
        'getConsolePoolInfo(a console type the driver does not have)',
      );
      await checkRejects(
        kit.driver.getConsolePoolInfo(kit.ctx, { consoleType: 'no such/type' }),
        'VALIDATION_FAILED',
        'getConsolePoolInfo(bad type)',
      );
    },
  },
]);

/** Fail unless `c` is connection info of `kind` on a loopback host and a valid port. */
function checkConsole(value: unknown, kind: ConsoleKind): void {
  check(typeof value === 'object' && value !== null, `expected console connection info, got ${JSON.stringify(value)}`);
  const c = value as Partial<ConsoleInfo & { tlsPort: number; internalAccessPath: string }>;
  check(c.kind === kind, `console kind must be '${kind}', got ${JSON.stringify(c.kind)}`);
  check(
    typeof c.host === 'string' && isLoopback(c.host),
    `console host must be a loopback address, got ${JSON.stringify(c.host)}`,
  );
  check(isPort(c.port), `console port must be an integer 1-65535, got ${JSON.stringify(c.port)}`);
  if (c.tlsPort !== undefined)
    check(
      isPort(c.tlsPort) && c.tlsPort !== c.port,
      `tlsPort must be another port 1-65535, got ${JSON.stringify(c.tlsPort)}`,
    );
  for (const field of ['internalAccessPath', 'secret'] as const) {
    check(c[field] === undefined || typeof c[field] === 'string', `console '${field}' must be a string when present`);
  }
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(bare));
}
