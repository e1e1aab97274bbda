import { randomBytes } from 'node:crypto';
import {
  NotFoundError, type ConsoleInfo, type ConsoleKind, type ConsoleOutput, type ConsolePoolInfo, type GetConsolePoolInfoRequest,
  type InstanceRequest, type MksConsole, type RdpConsole, type SerialConsole, type SpiceConsole, type VncConsole,
} from '@virtkit/core';
import type { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { logLines } from '../model/console-log.js';

/** Where each console kind listens: a base port plus the instance's slot (its sequence number modulo 5000). */
const BASE_PORT: Readonly<Record<ConsoleKind, number>> = { vnc: 5900, spice: 15900, rdp: 25900, serial: 35900, mks: 45900 };
const SPICE_TLS_OFFSET = 5000;
const LOOPBACK = '127.0.0.1';

/** The VNC server of a live guest, on loopback, with a fresh per-console secret. */
export function getVncConsole(host: MemoryHost, req: InstanceRequest): VncConsole {
  return consoleOf(host, req, 'vnc') as VncConsole;
}

/** The SPICE server, with its TLS port. */
export function getSpiceConsole(host: MemoryHost, req: InstanceRequest): SpiceConsole {
  const info = consoleOf(host, req, 'spice') as SpiceConsole;
  return { ...info, tlsPort: info.port + SPICE_TLS_OFFSET };
}

/** The RDP endpoint. */
export function getRdpConsole(host: MemoryHost, req: InstanceRequest): RdpConsole {
  return consoleOf(host, req, 'rdp') as RdpConsole;
}

/** The serial port, over TCP. */
export function getSerialConsole(host: MemoryHost, req: InstanceRequest): SerialConsole {
  return consoleOf(host, req, 'serial') as SerialConsole;
}

/** The MKS console; the proxy reaches it under an access path. */
export function getMksConsole(host: MemoryHost, req: InstanceRequest): MksConsole {
  const info = consoleOf(host, req, 'mks') as MksConsole;
  return { ...info, internalAccessPath: `/mks/${info.port}` };
}

/**
 * The console log: a banner describing the guest, then what happened to it,
 * cut to the newest `consoleOutputLimit` bytes (`truncated` says so).
 */
export function getConsoleOutput(host: MemoryHost, req: InstanceRequest): ConsoleOutput {
  const record = host.store.require(req.instance.uuid);
  const lines = [...banner(host, record), ...logLines(record.extras)];
  let text = lines.join('\n') + '\n';
  let truncated = record.extras?.logTruncated ?? false;
  const limit = host.config.consoleOutputLimit;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > limit) {
    // Cut at a line start so no character is split.
    const tail = bytes.subarray(bytes.length - limit).toString('utf8');
    text = tail.slice(tail.indexOf('\n') + 1);
    truncated = true;
  }
  return { text, truncated };
}

/** The host-wide console pool (deprecated): known for the console kinds, with the host's pool password. */
export function getConsolePoolInfo(host: MemoryHost, req: GetConsolePoolInfoRequest): ConsolePoolInfo {
  if (!(req.consoleType in BASE_PORT)) throw new NotFoundError('console pool', req.consoleType);
  return { address: LOOPBACK, username: `memory-${req.consoleType}`, password: host.consolePoolPassword };
}

function consoleOf(host: MemoryHost, req: InstanceRequest, kind: ConsoleKind): ConsoleInfo {
  const record = host.store.require(req.instance.uuid);
  return { kind, host: LOOPBACK, port: BASE_PORT[kind] + (record.seq % 5000), secret: randomBytes(18).toString('base64url') } as ConsoleInfo;
}

function banner(host: MemoryHost, record: InstanceRecord): string[] {
  return [
    `virtkit memory hypervisor on ${host.hostname}: ${record.internalId} (${record.displayName}, ${record.uuid})`,
    `flavor ${record.flavor}: ${record.vcpus} vCPU, ${record.memoryMb} MiB RAM, ${record.diskGb} GiB disk; image ${record.image || '(none)'}`,
  ];
}
