import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsStringRecord } from '../validation/decorators.js';

/** The sizing an instance is spawned with (the reference's flavor). */
export class Flavor {
  @IsOptional() @IsString() @MaxLength(255) id?: string;
  @IsString() @MaxLength(255) name!: string;
  @IsInt() @Min(1) @Max(4096) vcpus!: number;
  @IsInt() @Min(1) @Max(64 * 1024 * 1024) memoryMb!: number;
  @IsInt() @Min(0) @Max(1024 * 1024) rootGb!: number;
  @IsOptional() @IsInt() @Min(0) @Max(1024 * 1024) ephemeralGb?: number;
  @IsOptional() @IsInt() @Min(0) @Max(1024 * 1024) swapMb?: number;
  /** Free-form hypervisor hints (`hw:cpu_policy`, ...). */
  @IsOptional() @IsStringRecord() extraSpecs?: Record<string, string>;
}
