import { createHash, timingSafeEqual } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { CORE_READ_CALLS } from '../wire/core-calls.js';

/**
 * What a bearer token may do: read-only (describe, info, listings, events, console metadata without secrets) or
 * everything.
 */
export type Role = 'admin' | 'read-only';

/** Bearer tokens the server accepts, each with its role. */
export type TokenTable = Readonly<Record<string, Role>>;

/** Contract calls a read-only token may make (through `Call`); every other call needs `admin`. */
export const READ_ONLY_CALLS: ReadonlySet<string> = new Set([
  ...CORE_READ_CALLS,
  'getConsoleOutput',
  'getVncConsole',
  'getSpiceConsole',
  'getRdpConsole',
  'getSerialConsole',
  'getMksConsole',
  'getConsolePoolInfo',
  'getAvailableResource',
  'getTraits',
  'getInventory',
  'getPerInstanceUsage',
  'estimateInstanceOverhead',
  'getHostUptime',
  'getHostCpuStats',
  'getInstanceDiagnostics',
  'getDiagnostics',
  'getAllBwCounters',
  'getAllVolumeUsage',
  'blockStats',
  'getVolumeConnector',
  'macsForInstance',
  'isSupportedFsFormat',
  'defaultRootDeviceName',
  'instanceOnDisk',
  'getInstanceDiskInfo',
]);

/** Calls whose results are console metadata: their secrets (passwords, tokens) are removed for read-only callers. */
export const CONSOLE_CALLS: ReadonlySet<string> = new Set([
  'getVncConsole',
  'getSpiceConsole',
  'getRdpConsole',
  'getSerialConsole',
  'getMksConsole',
]);

/**
 * Checks bearer tokens in constant time (hashes compared with
 * timingSafeEqual, so neither content nor length leaks through timing).
 */
export class TokenAuthority {
  readonly #table: { hash: Buffer; role: Role }[];

  constructor(tokens: TokenTable | undefined) {
    this.#table = Object.entries(tokens ?? {}).map(([token, role]) => {
      if (typeof token !== 'string' || token.length < 16)
        throw new TypeError('bearer tokens must be strings of at least 16 characters');
      if (role !== 'admin' && role !== 'read-only')
        throw new TypeError(`unknown role '${String(role)}' (admin or read-only)`);
      return { hash: digest(token), role };
    });
  }

  /** True when tokens are required. */
  get enabled(): boolean {
    return this.#table.length > 0;
  }

  /**
   * The caller's role from its `authorization` header; `admin` when no tokens are configured.
   * @throws ConnectError `unauthenticated` for a missing or unknown token
   */
  roleOf(headers: Headers): Role {
    if (!this.enabled) return 'admin';
    const header = headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new ConnectError('a bearer token is required (authorization: Bearer <token>)', Code.Unauthenticated);
    const hash = digest(match[1]!);
    let role: Role | undefined;
    for (const entry of this.#table) if (timingSafeEqual(entry.hash, hash)) role = entry.role;
    if (!role) throw new ConnectError('the bearer token is not valid', Code.Unauthenticated);
    return role;
  }
}

/**
 * @throws ConnectError `permission_denied` when a read-only caller makes a call that changes something
 */
export function requireRole(role: Role, needed: Role, op: string): void {
  if (needed === 'admin' && role !== 'admin') {
    throw new ConnectError(`${op} needs an admin token; this token is read-only`, Code.PermissionDenied);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
