export type {
  GuestPasswordCapability, GuestFilesCapability, GuestMetadataCapability, GuestQuiesceCapability,
} from './interface.js';
export {
  SetAdminPasswordRequest, InjectFileRequest, MetadataDiff, ChangeInstanceMetadataRequest, QuiesceRequest,
  UnquiesceRequest,
} from './requests.js';
export { withGuestPassword } from './mixins/password.js';
export type { GuestPasswordShape } from './mixins/password.js';
export { withGuestFiles } from './mixins/files.js';
export type { GuestFilesShape } from './mixins/files.js';
export { withGuestMetadata } from './mixins/metadata.js';
export type { GuestMetadataShape } from './mixins/metadata.js';
export { withGuestQuiesce } from './mixins/quiesce.js';
export type { GuestQuiesceShape } from './mixins/quiesce.js';
