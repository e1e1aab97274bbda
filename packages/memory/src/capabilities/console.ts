import { randomBytes } from 'node:crypto';
import {
  NotFoundError,
  withConsoleOutput,
  withConsolePool,
  withMksConsole,
  withRdpConsole,
  withSerialConsole,
  withSpiceConsole,
  withVncConsole,
  type ConsoleInfo,
  type ConsoleKind,
  type ConsoleOutput,
  type ConsolePoolInfo,
  type GetConsolePoolInfoRequest,
  type InstanceRequest,
  type MksConsole,
  type OperationContext as Ctx,
  type RdpConsole,
  type SerialConsole,
  type SpiceConsole,
  type VncConsole,
} from '@virtkit/core';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { logLines } from '../model/console-log.js';
import { LifecycleHooks } from './lifecycle.js';

/** Where each console kind listens: a base port plus the instance's slot (its sequence number modulo 5000). */
const BASE_PORT: Readonly<Record<ConsoleKind, number>> = {
  vnc: 5900,
  spice: 15900,
  rdp: 25900,
  serial: 35900,
  mks: 45900,
};
const SPICE_TLS_OFFSET = 5000;
const LOOPBACK = '127.0.0.1';

/**
 * The memory driver's `console` family: the console log and the graphical
 * and serial consoles of a guest, on loopback with a fresh secret each.
 */
export abstract class ConsoleHooks extends withConsolePool(
  withMksConsole(
    withSerialConsole(withRdpConsole(withSpiceConsole(withVncConsole(withConsoleOutput(LifecycleHooks))))),
  ),
) {
  /**
   * The console log: a banner describing the guest, then what happened to it,
   * cut to the newest `consoleOutputLimit` bytes (`truncated` says so).
   */
  protected async _getConsoleOutput(_c: Ctx, r: InstanceRequest): Promise<ConsoleOutput> {
    const host = this.hostFor('getConsoleOutput');
    const record = host.store.require(r.instance.uuid);
    // Stryker disable all: what the log says and the byte limit it is cut to are the driver's (the contract fixes
    // neither; no kit run writes a log near the limit, and model/console-log.ts is marked for the same reason)
    const lines = [...banner(host, record), ...logLines(record)];
    let text = lines.join('\n') + '\n';
    let truncated = record.has(RecordFlag.LOG_TRUNCATED);
    const limit = host.config.consoleOutputLimit;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > limit) {
      // Cut at a line start so no character is split.
      const tail = bytes.subarray(bytes.length - limit).toString('utf8');
      text = tail.slice(tail.indexOf('\n') + 1);
      truncated = true;
    }
    // Stryker restore all
    return { text, truncated };
  }

  /** The VNC server of a live guest, on loopback, with a fresh per-console secret. */
  protected async _getVncConsole(_c: Ctx, r: InstanceRequest): Promise<VncConsole> {
    return consoleOf(this.hostFor('getVncConsole'), r, 'vnc') as VncConsole;
  }

  /** The SPICE server, with its TLS port. */
  protected async _getSpiceConsole(_c: Ctx, r: InstanceRequest): Promise<SpiceConsole> {
    const info = consoleOf(this.hostFor('getSpiceConsole'), r, 'spice') as SpiceConsole;
    // Stryker disable next-line ArithmeticOperator: any other valid port is conformant (the kit checks 1-65535, not
    // the console port)
    return { ...info, tlsPort: info.port + SPICE_TLS_OFFSET };
  }

  /** The RDP endpoint. */
  protected async _getRdpConsole(_c: Ctx, r: InstanceRequest): Promise<RdpConsole> {
    return consoleOf(this.hostFor('getRdpConsole'), r, 'rdp') as RdpConsole;
  }

  /** The serial port, over TCP. */
  protected async _getSerialConsole(_c: Ctx, r: InstanceRequest): Promise<SerialConsole> {
    return consoleOf(this.hostFor('getSerialConsole'), r, 'serial') as SerialConsole;
  }

  /** The MKS console; the proxy reaches it under an access path. */
  protected async _getMksConsole(_c: Ctx, r: InstanceRequest): Promise<MksConsole> {
    const info = consoleOf(this.hostFor('getMksConsole'), r, 'mks') as MksConsole;
    // Stryker disable next-line StringLiteral: the access path is the proxy's business, free text for the contract
    return { ...info, internalAccessPath: `/mks/${info.port}` };
  }

  /** The host-wide console pool (deprecated): known for the console kinds, with the host's pool password. */
  protected async _getConsolePoolInfo(_c: Ctx, r: GetConsolePoolInfoRequest): Promise<ConsolePoolInfo> {
    const host = this.hostFor('getConsolePoolInfo');
    if (!(r.consoleType in BASE_PORT)) throw new NotFoundError('console pool', r.consoleType);
    // Stryker disable next-line StringLiteral: the user name of the pool is the driver's choice (any string)
    return { address: LOOPBACK, username: `memory-${r.consoleType}`, password: host.consolePoolPassword };
  }
}

function consoleOf(host: MemoryHost, req: InstanceRequest, kind: ConsoleKind): ConsoleInfo {
  const record = host.store.require(req.instance.uuid);
  const port = BASE_PORT[kind] + (record.seq % 5000);
  return { kind, host: LOOPBACK, port, secret: randomBytes(18).toString('base64url') } as ConsoleInfo;
}

function banner(host: MemoryHost, record: InstanceRecord): string[] {
  return [
    `virtkit memory hypervisor on ${host.hostname}: ${record.internalId} (${record.displayName}, ${record.uuid})`,
    `flavor ${record.flavor}: ${record.vcpus} vCPU, ${record.memoryMb} MiB RAM, ${record.diskGb} GiB disk; ` +
      `image ${record.image || '(none)'}`,
  ];
}
