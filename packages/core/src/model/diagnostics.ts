import type { PowerState } from './power-state.js';

/** CPU usage of one vCPU. */
export interface CpuDiagnostics {
  id: number;
  timeNs: number;
  utilisation?: number;
}
/** Counters of one NIC. */
export interface NicDiagnostics {
  macAddress: string;
  rxOctets: number;
  rxPackets: number;
  rxErrors: number;
  rxDrop: number;
  txOctets: number;
  txPackets: number;
  txErrors: number;
  txDrop: number;
}
/** Counters of one disk. */
export interface DiskDiagnostics {
  id: string;
  readBytes: number;
  readRequests: number;
  writeBytes: number;
  writeRequests: number;
  errorsCount: number;
}
/** Diagnostics of one instance in a driver-neutral shape. */
export interface InstanceDiagnostics {
  state: PowerState;
  driver: string;
  hypervisor?: string;
  hypervisorOs?: string;
  uptimeSec: number;
  configDrive: boolean;
  numCpus: number;
  numNics: number;
  numDisks: number;
  cpuDetails: CpuDiagnostics[];
  nicDetails: NicDiagnostics[];
  diskDetails: DiskDiagnostics[];
  memoryDetails: { maximumMb: number; usedMb: number };
}

/** The five block-device counters of the reference's `block_stats`. */
export interface BlockStats {
  readRequests: number;
  readBytes: number;
  writeRequests: number;
  writeBytes: number;
  errors: number;
}

/** Bandwidth counters of one interface. */
export interface BandwidthCounters {
  instanceUuid: string;
  macAddress: string;
  bwIn: number;
  bwOut: number;
}

/** Usage of one attached volume. */
export interface VolumeUsage {
  volumeId: string;
  instanceUuid: string;
  readRequests: number;
  readBytes: number;
  writeRequests: number;
  writeBytes: number;
}

/** Usage of one instance, for billing (`get_per_instance_usage`). */
export interface InstanceUsage {
  uuid: string;
  memoryMb: number;
  vcpus: number;
  cpuTimeNs: number;
}
