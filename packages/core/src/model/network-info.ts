import { Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsIP, IsMACAddress, IsObject, IsOptional, IsString, MaxLength, ValidateNested,
} from 'class-validator';

/** One subnet of a network, with its addresses for this port. */
export class Subnet {
  @IsString() @MaxLength(64) cidr!: string;
  @IsOptional() @IsIP() gateway?: string;
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) ips?: string[];
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) dns?: string[];
}

/** The network a virtual interface is plugged into. */
export class Network {
  @IsString() @MaxLength(255) id!: string;
  @IsOptional() @IsString() @MaxLength(255) label?: string;
  @IsOptional() @IsString() @MaxLength(15) bridge?: string;
  @IsOptional() @IsInt() mtu?: number;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => Subnet) subnets?: Subnet[];
}

/** Kinds of virtual interface a driver may be asked to plug. */
export const VIF_TYPES = ['ovs', 'bridge', 'tap', 'vhostuser', 'hw_veb', 'user', 'other'] as const;

/** A virtual network interface (VIF) of an instance. */
export class Vif {
  @IsString() @MaxLength(255) id!: string;
  @IsMACAddress() address!: string;
  @IsDefined() @ValidateNested() @Type(() => Network) network!: Network;
  @IsIn(VIF_TYPES as unknown as string[]) type!: (typeof VIF_TYPES)[number];
  /** Host-side device name; validated because drivers put it on command lines. */
  @IsOptional() @IsString() @MaxLength(15) devname?: string;
  @IsOptional() @IsString() @MaxLength(32) vnicType?: string;
  /** Device tag seen by the guest (needs the `taggedAttach` / `deviceTagging` features). */
  @IsOptional() @IsString() @MaxLength(255) tag?: string;
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsObject() details?: Record<string, unknown>;
}

/** The interfaces of an instance, in order. */
export type NetworkInfo = Vif[];

