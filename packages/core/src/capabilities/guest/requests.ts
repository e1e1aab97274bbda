import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { NestedObject } from '../../model/nested-decorators.js';
import { FullInstanceRequest, InstanceRequest } from '../../driver/core-requests.js';
import { ImageMeta } from '../../model/image-meta.js';
import { IsStringRecord } from '../../validation/decorators.js';
import { GUEST_PATH_PATTERN } from '../lifecycle/index.js';

/**
 * No `..` segment anywhere, across newlines too. Checked on top of the shared
 * `GUEST_PATH_PATTERN`, whose look-ahead starts after the leading `/` and so
 * misses a first segment of `..` (`/../etc/shadow`).
 */
const NO_PARENT_SEGMENT = /^(?![\s\S]*(?:^|\/)\.\.(?:\/|$))/;

/** `setAdminPassword`: the new password of the guest's administrator account. */
export class SetAdminPasswordRequest extends InstanceRequest {
  /** Never logged, never echoed in errors: the SDK withholds any error message that contains it. */
  @IsString() @MinLength(1) @MaxLength(255) newPassword!: string;
}

/**
 * `injectFile`: write one file into a running guest.
 * @deprecated Pass files at spawn (`SpawnRequest.injectedFiles`) or through a config drive.
 */
export class InjectFileRequest extends InstanceRequest {
  /** Absolute guest path without `..` segments (the reference passed it base64-encoded; here it is plain). */
  @IsString()
  @Matches(GUEST_PATH_PATTERN)
  @Matches(NO_PARENT_SEGMENT, { message: '$property must not contain a .. segment' })
  path!: string;
  /** The file's contents, base64-encoded, at most 16 MiB of text. */
  @IsBase64() @MaxLength(16 * 1024 * 1024) contents!: string;
}

/** A change to an instance's metadata: keys to set (new or changed) and keys to remove. */
export class MetadataDiff {
  @IsOptional() @IsStringRecord() set?: Record<string, string>;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1024)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  @DisjointFrom('set')
  remove?: string[];
}

/** `changeInstanceMetadata`: publish a metadata change to the hypervisor (and so to the guest). */
export class ChangeInstanceMetadataRequest extends FullInstanceRequest {
  /** What changed; `instance.metadata`, when given, is the metadata after the change. */
  @NestedObject(() => MetadataDiff) diff!: MetadataDiff;
}

/** Fields of `quiesce` and `unquiesce`. */
class QuiesceFields extends InstanceRequest {
  /** The instance's image: its properties say whether a guest agent is there to freeze file systems. */
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
}

/** `quiesce`: freeze the guest's file systems before a snapshot. */
export class QuiesceRequest extends QuiesceFields {}

/** `unquiesce`: thaw them after the snapshot. */
export class UnquiesceRequest extends QuiesceFields {}

/** The array shares no value with the record keys of a sibling property (a key is either set or removed). */
function DisjointFrom(sibling: string): PropertyDecorator {
  return ValidateBy({
    name: 'disjointFrom',
    constraints: [sibling],
    validator: {
      validate: (value: unknown, args) => {
        const other = (args?.object as Record<string, unknown>)[sibling];
        if (!Array.isArray(value) || typeof other !== 'object' || other === null) return true;
        return value.every((key) => !Object.prototype.hasOwnProperty.call(other, key));
      },
      defaultMessage: () => `$property must not name a key that is also in ${sibling}`,
    },
  });
}
