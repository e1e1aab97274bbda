import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsMACAddress,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NestedObject, OptionalNestedArray } from './nested-decorators.js';
import { DEVICE_TAG_PATTERN, HOST_DEVICE_PATTERN, RESOURCE_ID_PATTERN, SINGLE_LINE_PATTERN } from './identifiers.js';

/** One subnet of a network, with its addresses for this port. */
export class Subnet {
  @IsString() @MaxLength(64) cidr!: string;
  @IsOptional() @IsIP() gateway?: string;
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) ips?: string[];
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) dns?: string[];
}

/** The network a virtual interface is plugged into. */
export class Network {
  @IsString() @Matches(RESOURCE_ID_PATTERN) id!: string;
  @IsOptional() @IsString() @MaxLength(255) @Matches(SINGLE_LINE_PATTERN) label?: string;
  @IsOptional() @IsString() @Matches(HOST_DEVICE_PATTERN) bridge?: string;
  @IsOptional() @IsInt() @Min(68) @Max(65535) mtu?: number;
  @OptionalNestedArray(() => Subnet) subnets?: Subnet[];
}

/** Kinds of virtual interface a driver may be asked to plug. */
export const VIF_TYPES = ['ovs', 'bridge', 'tap', 'vhostuser', 'hw_veb', 'user', 'other'] as const;

/** A virtual network interface (VIF) of an instance. */
export class Vif {
  @IsString() @Matches(RESOURCE_ID_PATTERN) id!: string;
  @IsMACAddress() address!: string;
  @NestedObject(() => Network) network!: Network;
  @IsIn(VIF_TYPES as unknown as string[]) type!: (typeof VIF_TYPES)[number];
  /** Host-side device name; validated because drivers put it on command lines. */
  @IsOptional() @IsString() @Matches(HOST_DEVICE_PATTERN) devname?: string;
  @IsOptional() @IsString() @MaxLength(32) vnicType?: string;
  /** Device tag seen by the guest (needs the `taggedAttach` / `deviceTagging` features). */
  @IsOptional() @IsString() @Matches(DEVICE_TAG_PATTERN) tag?: string;
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsObject() details?: Record<string, unknown>;
}

/** The interfaces of an instance, in order. */
export type NetworkInfo = Vif[];
