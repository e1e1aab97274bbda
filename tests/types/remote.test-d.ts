// Type tests for @virtkit/remote, compiled against the built packages.
import { expectTypeOf } from 'expect-type';
import { supports, type DriverBase, type InstanceInfo, type OperationContext } from '@virtkit/core';
import {
  connectDriver,
  serveDriver,
  EventsLostError,
  RemoteUnavailableError,
  type RemoteDriver,
  type RemoteServer,
} from '@virtkit/remote';
import type { VirtkitErrorCode } from '@virtkit/core';

declare const driver: RemoteDriver;
const ctx: OperationContext = {};
const instance = { uuid: '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' };

// A remote driver is a driver: it goes wherever a DriverBase does, with the same core calls.
expectTypeOf(connectDriver('grpc://127.0.0.1:1')).toEqualTypeOf<Promise<RemoteDriver>>();
expectTypeOf(driver).toMatchTypeOf<DriverBase>();
expectTypeOf(driver.getInfo(ctx, { instance })).toEqualTypeOf<Promise<InstanceInfo>>();

// @ts-expect-error -- capability calls need the guard, as for any driver
void driver.pause(ctx, { instance });
if (supports(driver, 'lifecycle.pause')) void driver.pause(ctx, { instance });

driver.on('eventsLost', (error) => expectTypeOf(error).toEqualTypeOf<EventsLostError>());
driver.on('lifecycle', (event) => expectTypeOf(event.sequence).toEqualTypeOf<number>());
// Events over the wire are core's: `host` always, `peerHost` for moves.
driver.on('lifecycle', (event) => expectTypeOf(event.host).toEqualTypeOf<string>());
driver.on('lifecycle', (event) => expectTypeOf(event.peerHost).toEqualTypeOf<string | undefined>());
// Unreachable or restarting servers: a stable code of core's, and whether the same call may be sent again.
expectTypeOf<'UNAVAILABLE'>().toMatchTypeOf<VirtkitErrorCode>();
expectTypeOf<RemoteUnavailableError['retryable']>().toEqualTypeOf<boolean>();

declare const served: DriverBase;
expectTypeOf(serveDriver(served, { listen: 'unix:/tmp/x.sock' })).toEqualTypeOf<Promise<RemoteServer>>();
// @ts-expect-error -- roles are admin or read-only
void serveDriver(served, { listen: '127.0.0.1:0', tokens: { 'a-long-enough-token-here': 'root' } });
// @ts-expect-error -- listen is required
void serveDriver(served, {});
// @ts-expect-error -- the replay window is the served driver's own (HostApi.eventReplayWindow), not a server option
void serveDriver(served, { listen: 'unix:/tmp/x.sock', replayWindow: 4 });

// The served host's name, as the server describes it (the `host` of its events): read-only.
expectTypeOf(driver.hostName).toEqualTypeOf<string>();
// @ts-expect-error -- the served host's name comes from the handshake; a caller cannot rename it
driver.hostName = 'node-2';
