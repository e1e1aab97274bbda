import { capabilityEntries } from './define-entries.js';

/** Host family: power, maintenance, statistics and aggregates of the host itself. */
export const HOST_ENTRIES = [
  ...capabilityEntries('host.power', [
    {
      referenceName: 'host_power_action', method: 'hostPowerAction', kind: 'required',
      summary: 'Start up, shut down or reboot the host itself.',
    },
  ]),
  ...capabilityEntries('host.maintenance', [
    {
      referenceName: 'host_maintenance_mode', method: 'hostMaintenanceMode', kind: 'required',
      summary: 'Put the host in or out of maintenance, moving its guests away first.',
    },
    {
      referenceName: 'set_host_enabled', method: 'setHostEnabled', kind: 'required',
      summary: 'Allow or stop new guests on the host.',
    },
  ]),
  ...capabilityEntries('host.stats', [
    {
      referenceName: 'get_host_uptime', method: 'getHostUptime', kind: 'required',
      summary: 'Report how long the host has been up, and its load.',
    },
    {
      referenceName: 'get_host_cpu_stats', method: 'getHostCpuStats', kind: 'required',
      summary: "Report the host's CPU time counters (kernel, user, idle, iowait) and frequency.",
    },
  ]),
  ...capabilityEntries('host.aggregates', [
    {
      referenceName: 'add_to_aggregate', method: 'addToAggregate', kind: 'required',
      summary: 'Join the host to a host aggregate, when the hypervisor itself pools hosts.',
    },
    {
      referenceName: 'remove_from_aggregate', method: 'removeFromAggregate', kind: 'required',
      summary: 'Take the host out of a host aggregate.',
    },
    {
      referenceName: 'undo_aggregate_operation', method: 'undoAggregateOperation', kind: 'required',
      summary: 'Roll back an aggregate change that failed half way.',
    },
  ]),
];
