import { capabilityEntries } from './define-entries.js';

/** Console family: console log and the graphical and serial consoles. */
export const CONSOLE_ENTRIES = [
  ...capabilityEntries('console.output', [
    {
      referenceName: 'get_console_output', method: 'getConsoleOutput', kind: 'required',
      summary: 'Return the text the guest wrote to its console log.',
    },
  ]),
  ...capabilityEntries('console.vnc', [
    {
      referenceName: 'get_vnc_console', method: 'getVncConsole', kind: 'required',
      summary: "Give the connection details (host, port, internal path) of the guest's VNC console.",
    },
  ]),
  ...capabilityEntries('console.spice', [
    {
      referenceName: 'get_spice_console', method: 'getSpiceConsole', kind: 'required',
      summary: "Give the connection details (host, port, TLS port) of the guest's SPICE console.",
    },
  ]),
  ...capabilityEntries('console.rdp', [
    {
      referenceName: 'get_rdp_console', method: 'getRdpConsole', kind: 'required',
      summary: "Give the connection details of the guest's RDP console.",
    },
  ]),
  ...capabilityEntries('console.serial', [
    {
      referenceName: 'get_serial_console', method: 'getSerialConsole', kind: 'required',
      summary: "Give the connection details of the guest's interactive serial console.",
    },
  ]),
  ...capabilityEntries('console.mks', [
    {
      referenceName: 'get_mks_console', method: 'getMksConsole', kind: 'required',
      summary: "Give the connection details of the guest's MKS (VMware) console.",
    },
  ]),
  ...capabilityEntries('console.pool', [
    {
      referenceName: 'get_console_pool_info', method: 'getConsolePoolInfo', kind: 'deprecated',
      summary: 'Describe the console proxy pool of the host (address, credentials).',
      note:
        'Console proxies are no longer pooled per host: each console '
        + 'capability (console.vnc, console.spice, ...) returns its own connection details.',
    },
  ]),
];
