/**
 * A state rule's `refuse`: a soft-deleted instance stays stopped until
 * `restore` (or destroy), so starting it any other way is `INVALID_STATE`.
 */
export function notSoftDeleted(info: { softDeleted?: boolean }): string | undefined {
  return info.softDeleted ? 'the instance is soft-deleted; restore it first' : undefined;
}
