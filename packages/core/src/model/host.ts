/** Host CPU time counters, in nanoseconds, plus the current frequency in MHz. */
export interface HostCpuStats {
  kernel: number;
  idle: number;
  user: number;
  iowait: number;
  frequency: number;
}

/** A guest architecture / hypervisor type / VM mode triple the host can run. */
export type SupportedInstance = [arch: string, hypervisorType: string, vmMode: string];

/** The resource report of one node (`get_available_resource`). */
export interface AvailableResource {
  vcpus: number;
  memoryMb: number;
  localGb: number;
  vcpusUsed: number;
  memoryMbUsed: number;
  localGbUsed: number;
  hypervisorType: string;
  /** The hypervisor version as an integer (`7.2.0` -> 7002000). */
  hypervisorVersion: number;
  hypervisorHostname: string;
  /** JSON text describing the host CPU. */
  cpuInfo: string;
  diskAvailableLeast: number;
  supportedInstances: SupportedInstance[];
  numaTopology?: string;
}

/** Host power actions. */
export type HostPowerAction = 'startup' | 'shutdown' | 'reboot';

/** Encode `major.minor.patch` as the reference's integer version. */
export function versionToInt(version: string): number {
  const [a = 0, b = 0, c = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return a * 1_000_000 + b * 1_000 + c;
}
