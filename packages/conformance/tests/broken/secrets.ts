import type {
  AttachVolumeRequest,
  OperationContext as Ctx,
  RescueRequest,
  SetAdminPasswordRequest,
  SpawnRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

const SECRETS =
  'secrets handed to the driver (admin password, volume credentials, rescue password) never reach its log';

/** Spawn logs its request at debug level, admin password included. */
class LogsSpawnRequest extends MemoryDriver {
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    this.logger.debug('spawning', { request: r });
    return super._spawn(c, r);
  }
}

/** setAdminPassword logs what it sets. */
class LogsNewPassword extends MemoryDriver {
  protected override async _setAdminPassword(c: Ctx, r: SetAdminPasswordRequest): Promise<void> {
    this.logger.info(`setting the admin password of ${r.instance.uuid} to ${r.newPassword}`);
    return super._setAdminPassword(c, r);
  }
}

/** attachVolume logs the connection info, credentials included. */
class LogsConnectionInfo extends MemoryDriver {
  protected override async _attachVolume(c: Ctx, r: AttachVolumeRequest): Promise<void> {
    this.logger.info('attaching volume', { connectionInfo: r.connectionInfo, mountpoint: r.mountpoint });
    return super._attachVolume(c, r);
  }
}

/** Rescue logs its request on the way in. */
class LogsRescueRequest extends MemoryDriver {
  protected override async _rescue(c: Ctx, r: RescueRequest): Promise<void> {
    this.logger.debug(`rescue ${JSON.stringify(r)}`);
    return super._rescue(c, r);
  }
}

/** A failed spawn logs the request that failed, at error level. */
class LogsFailedSpawn extends MemoryDriver {
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    try {
      await super._spawn(c, r);
    } catch (error) {
      this.logger.error('spawn failed', { error, request: r });
      throw error;
    }
  }
}

export const SECRETS_IN_LOGS: readonly BrokenDriver[] = [
  {
    bug: 'spawn logs its request with the admin password',
    kind: 'secrets in logs',
    Driver: LogsSpawnRequest,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: SECRETS },
    reason: /admin password of spawn handed to the driver appears in its log/,
  },
  {
    bug: 'setAdminPassword logs the new password',
    kind: 'secrets in logs',
    Driver: LogsNewPassword,
    only: ['guest.password'],
    caughtBy: {
      capability: 'guest.password',
      test: "a new admin password never reaches the driver's log, also when the call is refused",
    },
    reason: /admin password handed to the driver appears in its log \(1 line/,
  },
  {
    bug: 'attachVolume logs the connection credentials',
    kind: 'secrets in logs',
    Driver: LogsConnectionInfo,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: SECRETS },
    reason: /volume connection password/,
  },
  {
    bug: 'rescue logs its request with the rescue password',
    kind: 'secrets in logs',
    Driver: LogsRescueRequest,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: SECRETS },
    reason: /rescue password/,
  },
  {
    bug: 'a failed spawn logs its request at error level',
    kind: 'secrets in logs',
    Driver: LogsFailedSpawn,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: SECRETS },
    reason: /admin password of a failed spawn/,
  },
];
