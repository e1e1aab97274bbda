import { CAPABILITY_DECLARATIONS, type CapabilityName } from '@virtkit/core';
import type { CapabilityStatus, MatrixCapability } from './matrix-types.js';

/** Capabilities every driver must offer (besides the `core` calls): those declared `'mandatory'`. */
export const MANDATORY_CAPABILITIES: readonly MatrixCapability[] = [
  'core',
  ...CAPABILITY_DECLARATIONS.filter((d) => d.status === 'mandatory').map((d) => d.name),
];

/** The capabilities of each choice group (`status: { choice }` in their declarations), in contract order. */
export const CHOICE_GROUPS: ReadonlyMap<string, readonly CapabilityName[]> = groupChoices();

/** The console kinds: a driver should offer at least one of them (the `console` choice group). */
export const CONSOLE_CHOICE: readonly CapabilityName[] = CHOICE_GROUPS.get('console') ?? [];

/** What each status means, for legends. */
export const STATUS_DESCRIPTIONS: Readonly<Record<CapabilityStatus, string>> = {
  mandatory: 'every driver must offer it',
  optional: 'a driver may offer it',
  choice: [...CHOICE_GROUPS.values()]
    .map((group) => `a driver should offer at least one of ${group.join(', ')}`)
    .join('; '),
};

/** Whether a capability is mandatory, optional, or one of a choice group, as its declaration says. */
export function capabilityStatus(capability: MatrixCapability): CapabilityStatus {
  if (MANDATORY_CAPABILITIES.includes(capability)) return 'mandatory';
  return choiceGroupOf(capability) === undefined ? 'optional' : 'choice';
}

/** The choice group a capability belongs to, if any. */
export function choiceGroupOf(capability: MatrixCapability): string | undefined {
  const status = CAPABILITY_DECLARATIONS.find((d) => d.name === capability)?.status;
  return typeof status === 'object' ? status.choice : undefined;
}

function groupChoices(): Map<string, CapabilityName[]> {
  const groups = new Map<string, CapabilityName[]>();
  for (const d of CAPABILITY_DECLARATIONS) {
    if (typeof d.status === 'object') groups.set(d.status.choice, [...(groups.get(d.status.choice) ?? []), d.name]);
  }
  return groups;
}
