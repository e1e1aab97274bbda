import { IsArray, IsBoolean, IsIP, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { RESOURCE_ID_PATTERN } from './identifiers.js';

/**
 * How to reach a volume, as returned by the block-storage service. `data` is
 * transport specific (iSCSI target, RBD pool, local file path...). Credentials
 * in `data` (`auth_password`, `secret`...) are never logged or echoed in errors.
 */
export class VolumeConnectionInfo {
  /** Transport: `iscsi`, `rbd`, `nfs`, `file`, ... */
  @IsString() @MaxLength(64) driverVolumeType!: string;
  @IsObject() data!: Record<string, unknown>;
  /** The volume's id, when the transport data does not carry it. */
  @IsOptional() @IsString() @Matches(RESOURCE_ID_PATTERN) volumeId?: string;
  @IsOptional() @IsString() @Matches(RESOURCE_ID_PATTERN) serial?: string;
}

/** What this host tells the block-storage service so it can export a volume to it. */
export interface VolumeConnector {
  ip: string;
  host: string;
  initiator?: string;
  wwpns?: string[];
  wwnns?: string[];
  multipath: boolean;
  platform: string;
  osType: string;
}

/** Input form of {@link VolumeConnector}, for drivers that accept one back. */
export class VolumeConnectorInput implements VolumeConnector {
  @IsIP() ip!: string;
  @IsString() @MaxLength(255) host!: string;
  @IsOptional() @IsString() @MaxLength(255) initiator?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) wwpns?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) wwnns?: string[];
  @IsBoolean() multipath!: boolean;
  @IsString() @MaxLength(64) platform!: string;
  @IsString() @MaxLength(64) osType!: string;
}
