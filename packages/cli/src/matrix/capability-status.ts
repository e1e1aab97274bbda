import type { CapabilityName } from '@virtkit/core';
import type { CapabilityStatus, MatrixCapability } from './matrix-types.js';

/** Capabilities every driver must offer (besides the `core` calls). */
export const MANDATORY_CAPABILITIES: readonly MatrixCapability[] = ['core', 'lifecycle'];

/** The console kinds: a driver should offer at least one of them. */
export const CONSOLE_CHOICE: readonly CapabilityName[] = ['console.vnc', 'console.spice', 'console.rdp', 'console.serial', 'console.mks'];

/** What each status means, for legends. */
export const STATUS_DESCRIPTIONS: Readonly<Record<CapabilityStatus, string>> = {
  mandatory: 'every driver must offer it',
  optional: 'a driver may offer it',
  choice: `a driver should offer at least one of ${CONSOLE_CHOICE.join(', ')}`,
};

/** Whether a capability is mandatory, optional, or one of a choice group. */
export function capabilityStatus(capability: MatrixCapability): CapabilityStatus {
  if (MANDATORY_CAPABILITIES.includes(capability)) return 'mandatory';
  if ((CONSOLE_CHOICE as readonly string[]).includes(capability)) return 'choice';
  return 'optional';
}
