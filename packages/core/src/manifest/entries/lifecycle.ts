import { capabilityEntries } from './define-entries.js';

/** Lifecycle family: create, power, reboot, pause, suspend, rescue, soft delete, rebuild, crash dump. */
export const LIFECYCLE_ENTRIES = [
  ...capabilityEntries('lifecycle', [
    {
      referenceName: 'spawn', method: 'spawn', kind: 'required',
      summary: 'Create and boot a new guest from an image, with its networks and block devices; all or nothing.',
    },
    {
      referenceName: 'destroy', method: 'destroy', kind: 'required',
      summary: 'Tear the guest down and, if asked, delete its disks; an unknown instance is already destroyed.',
    },
    {
      referenceName: 'cleanup', method: 'cleanup', kind: 'default',
      summary: 'Release what a destroyed guest left on the host (volume connections, network plumbing); nothing by default.',
    },
    {
      referenceName: 'reboot', method: 'reboot', kind: 'required',
      summary: 'Restart the guest, cleanly through the guest OS (soft) or by resetting it (hard).',
    },
    {
      referenceName: 'power_off', method: 'powerOff', kind: 'required',
      summary: 'Stop the guest, asking it to shut down first and forcing it after the timeout, retrying at an interval.',
    },
    { referenceName: 'power_on', method: 'powerOn', kind: 'required', summary: 'Start a stopped guest again.' },
    {
      referenceName: 'prepare_for_spawn', method: '_prepareForSpawn', kind: 'hook',
      summary: 'Get host resources ready just before a spawn; the SDK runs it inside spawn, and by default it does nothing.',
    },
    {
      referenceName: 'failed_spawn_cleanup', method: '_failedSpawnCleanup', kind: 'hook',
      summary: 'Undo a spawn that failed part way; the SDK runs it, and by default destroys the guest and its disks.',
    },
    {
      referenceName: 'delete_instance_files', method: 'deleteInstanceFiles', kind: 'default',
      summary: "Delete the instance's files left on the host and say whether it worked; by default there is nothing to delete.",
    },
    {
      referenceName: 'instance_on_disk', method: 'instanceOnDisk', kind: 'default',
      summary: "Tell whether the instance's files are reachable from this host (shared storage), as evacuation needs; false by default.",
    },
    {
      referenceName: 'resume_state_on_host_boot', method: 'resumeStateOnHostBoot', kind: 'default',
      summary: 'Bring a guest back to the state it had before the host restarted; by default, power it on if it is stopped.',
    },
    {
      referenceName: 'poll_rebooting_instances', method: 'pollRebootingInstances', kind: 'default',
      summary: 'Look after guests stuck rebooting longer than a timeout; nothing by default.',
    },
  ]),
  ...capabilityEntries('lifecycle.pause', [
    { referenceName: 'pause', method: 'pause', kind: 'required', summary: 'Freeze the guest in memory, keeping its resources.' },
    { referenceName: 'unpause', method: 'unpause', kind: 'required', summary: 'Let a paused guest run again.' },
  ]),
  ...capabilityEntries('lifecycle.suspend', [
    {
      referenceName: 'suspend', method: 'suspend', kind: 'required',
      summary: 'Save the guest state to disk and stop it, freeing its memory.',
    },
    { referenceName: 'resume', method: 'resume', kind: 'required', summary: 'Restore a suspended guest from its saved state.' },
  ]),
  ...capabilityEntries('lifecycle.rescue', [
    {
      referenceName: 'rescue', method: 'rescue', kind: 'required',
      summary: 'Boot the guest from a rescue image, with its own disks attached, so it can be repaired.',
    },
    {
      referenceName: 'unrescue', method: 'unrescue', kind: 'required',
      summary: 'Leave rescue mode and boot the guest from its own disks again.',
    },
    {
      referenceName: 'set_bootable', method: 'setBootable', kind: 'required',
      summary: "Mark the guest's devices as bootable or not (used when rescuing volume-backed guests).",
    },
  ]),
  ...capabilityEntries('lifecycle.softDelete', [
    {
      referenceName: 'soft_delete', method: 'softDelete', kind: 'required',
      summary: 'Stop and set aside a deleted guest so it can still be restored during a grace period.',
    },
    { referenceName: 'restore', method: 'restore', kind: 'required', summary: 'Bring back a soft-deleted guest.' },
  ]),
  ...capabilityEntries('lifecycle.rebuild', [
    {
      referenceName: 'rebuild', method: 'rebuild', kind: 'default',
      summary: 'Recreate the guest from a new image, keeping its identity; by default destroy and re-spawn, detaching and re-attaching volumes.',
    },
  ]),
  ...capabilityEntries('lifecycle.crashDump', [
    {
      referenceName: 'trigger_crash_dump', method: 'triggerCrashDump', kind: 'required',
      summary: 'Send the guest a non-maskable interrupt so its kernel writes a crash dump.',
    },
  ]),
];
