/**
 * @packageDocumentation
 * `@virtkit/remote`: serve any virtkit driver over gRPC, gRPC-Web and Connect
 * (JSON over HTTP/1.1) with `serveDriver`, and call it from another host with
 * `connectDriver` (or `loadDriver('grpc://...')`), with the same typed
 * surface, capability map, errors and guarantees as in process. The wire
 * contract is `proto/virtkit/v1/driver.proto`, shipped in this package.
 */
export { serveDriver, type ServeDriverOptions, type RemoteServer } from './server/serve-driver.js';
export type { ServerTlsOptions } from './server/http-listener.js';
export { READ_ONLY_CALLS, type Role, type TokenTable } from './server/auth.js';
export type { HarnessOptions } from './server/harness-service.js';
export { connectDriver, toCapabilityMap, type ConnectDriverOptions } from './client/connect-driver.js';
export { RemoteDriver } from './client/remote-driver.js';
export type { RemoteDriverEvents, RemoteLifecycleEvent } from './client/event-stream.js';
export { remoteDriverDefinition } from './client/remote-definition.js';
export { isRemoteSpecifier, parseTarget, type RemoteTarget } from './client/target.js';
export type { ClientTlsOptions, WireProtocol } from './client/transport.js';
export {
  RemoteUnavailableError,
  RemoteAccessError,
  EventsLostError,
  type RemoteFailureReason,
} from './wire/remote-errors.js';
export { HOST_HEADER, REQUEST_ID_HEADER, EVENT_SEQUENCE_HEADER, ERROR_HEADER } from './wire/headers.js';
export { DriverService } from './gen/virtkit/v1/driver_pb.js';
export { HarnessService } from './gen/virtkit/v1/harness_pb.js';
export { Health } from './gen/grpc/health/v1/health_pb.js';

import { readFileSync } from 'node:fs';
import { remoteDriverDefinition } from './client/remote-definition.js';
import type { ConnectDriverOptions } from './client/connect-driver.js';
import type { DriverBase, DriverDefinition, HostApi } from '@virtkit/core';

/**
 * What core's `loadDriver('grpc://...')` calls: the served driver's
 * definition. Credentials come from `hostApi.options.remote`
 * (`{ token, tls }`) or the environment: `VIRTKIT_REMOTE_TOKEN`,
 * `VIRTKIT_REMOTE_CA`, `VIRTKIT_REMOTE_CERT`, `VIRTKIT_REMOTE_KEY` (file paths).
 */
export async function loadRemoteDefinition(
  specifier: string,
  hostApi: HostApi = {},
): Promise<DriverDefinition<DriverBase>> {
  const fromHost = (hostApi.options?.remote ?? {}) as ConnectDriverOptions;
  const env = process.env;
  const file = (p: string | undefined) => (p ? readFileSync(p) : undefined);
  const options: ConnectDriverOptions = {
    token: fromHost.token ?? env.VIRTKIT_REMOTE_TOKEN,
    tls:
      fromHost.tls ??
      (env.VIRTKIT_REMOTE_CA || env.VIRTKIT_REMOTE_CERT
        ? { ca: file(env.VIRTKIT_REMOTE_CA), cert: file(env.VIRTKIT_REMOTE_CERT), key: file(env.VIRTKIT_REMOTE_KEY) }
        : undefined),
  };
  return remoteDriverDefinition(specifier, options) as unknown as Promise<DriverDefinition<DriverBase>>;
}
