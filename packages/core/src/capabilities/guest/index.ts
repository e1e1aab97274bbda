import { GUEST_PASSWORD_CAPABILITY } from './mixins/password.js';
import { GUEST_FILES_CAPABILITY } from './mixins/files.js';
import { GUEST_METADATA_CAPABILITY } from './mixins/metadata.js';
import { GUEST_QUIESCE_CAPABILITY } from './mixins/quiesce.js';

export type {
  GuestPasswordCapability,
  GuestFilesCapability,
  GuestMetadataCapability,
  GuestQuiesceCapability,
} from './interface.js';
export {
  SetAdminPasswordRequest,
  InjectFileRequest,
  MetadataDiff,
  ChangeInstanceMetadataRequest,
  QuiesceRequest,
  UnquiesceRequest,
} from './requests.js';
export * from './mixins/password.js';
export * from './mixins/files.js';
export * from './mixins/metadata.js';
export * from './mixins/quiesce.js';

/** The capabilities of the `guest` family, in contract order (adding one here adds it to the contract). */
export const GUEST_CAPABILITIES = [
  GUEST_PASSWORD_CAPABILITY,
  GUEST_FILES_CAPABILITY,
  GUEST_METADATA_CAPABILITY,
  GUEST_QUIESCE_CAPABILITY,
] as const;
