import { createClient } from '@connectrpc/connect';
import {
  assertCompatible,
  CAPABILITY_NAMES,
  constructForwardingDriver,
  CONTRACT_VERSION,
  FEATURE_FLAGS,
  type CapabilityMap,
  type CapabilityName,
  type FeatureFlag,
  type FeatureState,
  type ImageDiskFormat,
  type HostApi,
} from '@virtkit/core';
import { JSON_TEXT_FEATURE } from '../wire/json-value.js';
import { DriverService, FeatureState as WireFeatureState, type DescribeResponse } from '../gen/virtkit/v1/driver_pb.js';
import { fromCallError } from '../wire/error-codec.js';
import { HOST_HEADER } from '../wire/headers.js';
import { RemoteDriver } from './remote-driver.js';
import { RequestValidator } from './request-validator.js';
import { parseTarget } from './target.js';
import { createTransport, type ClientTlsOptions, type WireProtocol } from './transport.js';

/** Options of {@link connectDriver}. */
export interface ConnectDriverOptions {
  /** TLS for `grpcs://` targets: the server's CA and this client's certificate (mutual TLS). */
  tls?: ClientTlsOptions;
  /** Bearer token sent with every call. */
  token?: string;
  /** A host (driver instance) of the server other than the served driver: the id a harness returned. */
  host?: string;
  /** What `driver.hostApi` says. @defaultValue its `hostname` is the served host's name, as the server describes it */
  hostApi?: HostApi;
  /** gRPC over HTTP/2 (default) or Connect JSON over HTTP/1.1. */
  protocol?: WireProtocol;
}

/**
 * Connect to a served driver and describe it (the handshake).
 * @returns a driver typed like any loaded driver, whose `capabilities` is the served map
 * @throws `CONTRACT_MISMATCH` when the served contract's major version differs from this core's;
 *         `RemoteUnavailableError` / `RemoteAccessError` when the server cannot be reached or refuses the credentials
 */
export async function connectDriver(target: string, options: ConnectDriverOptions = {}): Promise<RemoteDriver> {
  const parsed = parseTarget(target);
  const transport = createTransport(parsed, options.protocol ?? 'grpc', options.tls);
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.host !== undefined) headers[HOST_HEADER] = options.host;
  let described: DescribeResponse;
  try {
    described = await createClient(DriverService, transport.transport).describe(
      { clientContractVersion: CONTRACT_VERSION },
      { headers, timeoutMs: 30000 },
    );
  } catch (error) {
    transport.close();
    throw fromCallError(error, 'describe', target, true);
  }
  const map = toCapabilityMap(described);
  try {
    assertCompatible(map.contractVersion);
  } catch (error) {
    transport.close();
    throw error;
  }
  // The map is the served driver's (core's one way to give a driver a map it did not derive itself).
  const validator = new RequestValidator(map);
  return constructForwardingDriver(
    map,
    () =>
      new RemoteDriver({
        target,
        map,
        transport,
        validator,
        headers,
        lastEventSequence: Number(described.lastEventSequence),
        eventEpoch: described.eventEpoch,
        role: described.role,
        hostName: described.hostName,
        jsonText: described.wireFeatures.includes(JSON_TEXT_FEATURE),
        hostApi: options.hostApi,
      }),
  );
}

const FEATURE_NAMES: Record<number, FeatureState> = {
  [WireFeatureState.SUPPORTED]: 'supported',
  [WireFeatureState.UNSUPPORTED]: 'unsupported',
  [WireFeatureState.UNKNOWN]: 'unknown',
};

/**
 * The served map in this core's shape: every capability and flag of this contract, the ones the server does not name
 * false / unsupported.
 */
export function toCapabilityMap(d: DescribeResponse): CapabilityMap {
  const capabilities = Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, d.capabilities[c] === true])) as Record<
    CapabilityName,
    boolean
  >;
  const features = Object.fromEntries(
    Object.keys(FEATURE_FLAGS).map((f) => [
      f,
      FEATURE_NAMES[d.features[f] ?? WireFeatureState.UNSPECIFIED] ?? 'unsupported',
    ]),
  ) as Record<FeatureFlag, FeatureState>;
  return Object.freeze({
    contractVersion: d.contractVersion,
    driver: Object.freeze({ name: d.driverName, version: d.driverVersion }),
    capabilities: Object.freeze(capabilities),
    features: Object.freeze(features),
    imageTypes: Object.freeze([...d.imageTypes] as ImageDiskFormat[]),
  });
}
