import type { OperationContext } from '../../context/operation-context.js';
import type {
  ChangeInstanceMetadataRequest,
  InjectFileRequest,
  QuiesceRequest,
  SetAdminPasswordRequest,
  UnquiesceRequest,
} from './requests.js';

/** `guest.password`: set the administrator password inside a running guest (through its agent). */
export interface GuestPasswordCapability {
  /**
   * Set the guest's administrator password. The password never appears in
   * errors: a failure whose details mention it is reported with the details withheld.
   * @throws `INVALID_STATE` (not RUNNING), `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED`, `DRIVER_ERROR` (agent failed)
   */
  setAdminPassword(ctx: OperationContext, request: SetAdminPasswordRequest): Promise<void>;
}

/**
 * `guest.files`: write files into a running guest.
 * @deprecated Give files at spawn (`SpawnRequest.injectedFiles`) or through a config drive instead.
 */
export interface GuestFilesCapability {
  /**
   * @deprecated See {@link GuestFilesCapability}.
   * Write one file into the guest, replacing any file at that path.
   * @throws `INVALID_STATE` (not RUNNING), `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED` (relative path, `..`, not base64)
   */
  injectFile(ctx: OperationContext, request: InjectFileRequest): Promise<void>;
}

/** `guest.metadata`: publish instance metadata changes where the guest can read them. */
export interface GuestMetadataCapability {
  /**
   * Apply a metadata diff; an empty diff succeeds without calling the driver.
   * Allowed in any power state.
   * @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED` (a key both set and removed)
   */
  changeInstanceMetadata(ctx: OperationContext, request: ChangeInstanceMetadataRequest): Promise<void>;
}

/** `guest.quiesce`: freeze and thaw guest file systems around a snapshot. Both need RUNNING. */
export interface GuestQuiesceCapability {
  /**
   * Freeze the guest's file systems so a snapshot is consistent.
   * @throws `INVALID_STATE` (not RUNNING, or the image has no guest agent), `INSTANCE_NOT_FOUND`, `DRIVER_ERROR` (agent
   *   timeout)
   */
  quiesce(ctx: OperationContext, request: QuiesceRequest): Promise<void>;
  /**
   * Thaw them again; thawing file systems that are not frozen succeeds.
   * @throws `INVALID_STATE` (not RUNNING), `INSTANCE_NOT_FOUND`, `DRIVER_ERROR`
   */
  unquiesce(ctx: OperationContext, request: UnquiesceRequest): Promise<void>;
}
