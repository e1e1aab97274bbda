import { capabilityEntries } from './define-entries.js';

/** Guest family: operations inside the running guest. */
export const GUEST_ENTRIES = [
  ...capabilityEntries('guest.password', [
    {
      referenceName: 'set_admin_password', method: 'setAdminPassword', kind: 'required',
      summary: 'Set the administrator password inside the running guest (through its agent).',
    },
  ]),
  ...capabilityEntries('guest.files', [
    {
      referenceName: 'inject_file', method: 'injectFile', kind: 'deprecated',
      summary: 'Write a file into the running guest.',
      note:
        "Pass files at spawn or rebuild (the request's injectedFiles, "
        + 'delivered by config drive or metadata) instead of writing into a running guest.',
    },
  ]),
  ...capabilityEntries('guest.metadata', [
    {
      referenceName: 'change_instance_metadata', method: 'changeInstanceMetadata', kind: 'required',
      summary: "Apply a change of the instance's metadata to where the guest reads it.",
    },
  ]),
  ...capabilityEntries('guest.quiesce', [
    {
      referenceName: 'quiesce', method: 'quiesce', kind: 'required',
      summary: "Freeze the guest's file systems (through its agent) so a snapshot is consistent.",
    },
    {
      referenceName: 'unquiesce', method: 'unquiesce', kind: 'required',
      summary: "Thaw the guest's file systems after the snapshot.",
    },
  ]),
];
