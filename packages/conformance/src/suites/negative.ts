import { randomUUID } from 'node:crypto';
import { isVirtkitError, type CapabilityName } from '@virtkit/core';
import { KitAssertionError } from '../kit/assertions.js';
import type { KitTest } from '../kit/suite.js';

/**
 * The negative side: every call of a capability the driver does not
 * advertise must answer NOT_SUPPORTED naming that capability. A call that
 * succeeds silently, or fails any other way, fails the test.
 */
export function negativeTest(capability: CapabilityName, methods: readonly string[]): KitTest {
  return {
    name: `not advertised: ${methods.length} call(s) answer NOT_SUPPORTED`,
    async run(kit) {
      for (const method of methods) {
        // the calls come from the manifest (data), not from a capability interface: looked up by name on purpose
        const fn = (kit.driver as unknown as Record<string, unknown>)[method];
        if (typeof fn !== 'function')
          throw new KitAssertionError(`${method} is not callable at all (expected a NOT_SUPPORTED answer)`);
        let outcome: unknown;
        try {
          outcome = await (fn as (ctx: unknown, req: unknown) => Promise<unknown>).call(kit.driver, kit.ctx, {
            instance: { uuid: randomUUID() },
          });
        } catch (error) {
          if (isVirtkitError(error, 'NOT_SUPPORTED')) {
            const named = (error as { capability?: string }).capability;
            if (named !== capability)
              throw new KitAssertionError(`${method}: NOT_SUPPORTED names '${named}', expected '${capability}'`);
            continue;
          }
          throw new KitAssertionError(
            `${method} of unadvertised '${capability}': expected NOT_SUPPORTED, got ` +
              `${isVirtkitError(error) ? error.code : String(error)}`,
          );
        }
        throw new KitAssertionError(
          `${method} of unadvertised '${capability}' succeeded silently (returned ${JSON.stringify(outcome)}): the ` +
            `map and the driver disagree`,
        );
      }
    },
  };
}
