/** Console kinds a driver can expose, one capability each. */
export type ConsoleKind = 'vnc' | 'spice' | 'rdp' | 'serial' | 'mks';

/** Connection details of a console. Secrets are never logged. */
export interface ConsoleBase {
  kind: ConsoleKind;
  host: string;
  port: number;
  /** Path on the console proxy's internal side, when the protocol needs one. */
  internalAccessPath?: string;
  /** Per-console secret (password or token) the proxy must present. */
  secret?: string;
}
/** A VNC console. */
export interface VncConsole extends ConsoleBase {
  kind: 'vnc';
}
/** A SPICE console, with an optional TLS port. */
export interface SpiceConsole extends ConsoleBase {
  kind: 'spice';
  tlsPort?: number;
}
/** An RDP console. */
export interface RdpConsole extends ConsoleBase {
  kind: 'rdp';
}
/** A serial console over TCP. */
export interface SerialConsole extends ConsoleBase {
  kind: 'serial';
}
/** A VMware MKS console. */
export interface MksConsole extends ConsoleBase {
  kind: 'mks';
}
/** Any console. */
export type ConsoleInfo = VncConsole | SpiceConsole | RdpConsole | SerialConsole | MksConsole;

/** Tail of an instance's console log. */
export interface ConsoleOutput {
  /** UTF-8 text (invalid bytes replaced). */
  text: string;
  /** True when older output was dropped to respect the size bound. */
  truncated: boolean;
}

/** Console pool information (deprecated in the reference). */
export interface ConsolePoolInfo {
  address: string;
  username: string;
  password: string;
}
