import { capabilityEntries } from './define-entries.js';

/** Diagnostics family: per-instance diagnostics and usage counters. */
export const DIAGNOSTICS_ENTRIES = [
  ...capabilityEntries('diagnostics', [
    {
      referenceName: 'get_instance_diagnostics', method: 'getInstanceDiagnostics', kind: 'required',
      summary: "Report the guest's diagnostics in a fixed model: state, CPUs, NICs, disks, memory, uptime.",
    },
    {
      referenceName: 'get_diagnostics', method: 'getDiagnostics', kind: 'deprecated',
      summary: "Report the guest's diagnostics as a free-form record.",
      note: 'Superseded by getInstanceDiagnostics, whose model is the same for every driver.',
    },
  ]),
  ...capabilityEntries('diagnostics.usage', [
    {
      referenceName: 'get_all_bw_counters', method: 'getAllBwCounters', kind: 'required',
      summary: "Report the network traffic counters of the guests' interfaces.",
    },
    {
      referenceName: 'get_all_volume_usage', method: 'getAllVolumeUsage', kind: 'required',
      summary: "Report read and write counters of the volumes attached to the host's guests.",
    },
    {
      referenceName: 'block_stats', method: 'blockStats', kind: 'required',
      summary: 'Report the I/O counters of one disk of a guest.',
    },
  ]),
];
