import { IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** A cold migration or resize as the orchestrator tracks it. */
export class Migration {
  @IsString() @MaxLength(255) id!: string;
  @IsOptional() @IsString() @MaxLength(255) sourceCompute?: string;
  @IsString() @MaxLength(255) destCompute!: string;
  @IsOptional() @IsString() @MaxLength(255) sourceNode?: string;
  @IsOptional() @IsString() @MaxLength(255) destNode?: string;
  @IsOptional() @IsIn(['migration', 'resize', 'live-migration', 'evacuation']) migrationType?: string;
}

/**
 * Data the two hosts of a live migration exchange through the orchestrator:
 * filled by the destination check, completed by pre-migration, read by the source.
 */
export class MigrateData {
  @IsOptional() @IsBoolean() blockMigration?: boolean;
  @IsOptional() @IsBoolean() diskOverCommit?: boolean;
  @IsOptional() @IsBoolean() isSharedInstancePath?: boolean;
  @IsOptional() @IsBoolean() isSharedBlockStorage?: boolean;
  @IsOptional() @IsBoolean() isVolumeBacked?: boolean;
  /** Where the destination listens for the migration stream (driver specific URI). */
  @IsOptional() @IsString() @MaxLength(1024) targetConnectAddr?: string;
  @IsOptional() @IsString() @MaxLength(255) graphicsListenAddr?: string;
  @IsOptional() @IsString() @MaxLength(255) serialListenAddr?: string;
  /** Driver-specific data, opaque to the orchestrator. */
  @IsOptional() @IsObject() driverData?: Record<string, unknown>;
}

/** One disk of an instance, as reported for migrations. */
export interface InstanceDiskInfo {
  type: string;
  path: string;
  virtualSizeBytes: number;
  backingFile?: string;
  diskSizeBytes: number;
  overCommitDiskSizeBytes: number;
}

/** Progress of a long operation (snapshot, migration), 0-100. */
export interface ProgressReport {
  percent: number;
  /** A short machine-readable phase (`uploading`, `memory`, `postcopy`, ...). */
  phase?: string;
  detail?: Record<string, unknown>;
}
