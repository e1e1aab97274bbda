import { CONSOLE_CAPABILITIES } from './console/index.js';
import { DIAGNOSTICS_CAPABILITIES } from './diagnostics/index.js';
import { GUEST_CAPABILITIES } from './guest/index.js';
import { HOST_CAPABILITIES } from './host/index.js';
import { IMAGE_CAPABILITIES } from './image/index.js';
import { INVENTORY_CAPABILITIES } from './inventory/index.js';
import { LIFECYCLE_CAPABILITIES } from './lifecycle/index.js';
import { MIGRATION_CAPABILITIES } from './migration/index.js';
import { NETWORK_CAPABILITIES } from './network/index.js';
import { VOLUME_CAPABILITIES } from './volume/index.js';

/**
 * Every capability of the contract, families in documentation order, each
 * family's capabilities in its own order. The single source the name lists,
 * method tables, interface map, feature flags, traits, manifest, CLI status,
 * docs and the conformance kit's plan are derived from.
 */
export const CAPABILITY_DECLARATIONS = Object.freeze([
  ...LIFECYCLE_CAPABILITIES,
  ...CONSOLE_CAPABILITIES,
  ...MIGRATION_CAPABILITIES,
  ...VOLUME_CAPABILITIES,
  ...NETWORK_CAPABILITIES,
  ...INVENTORY_CAPABILITIES,
  ...HOST_CAPABILITIES,
  ...GUEST_CAPABILITIES,
  ...IMAGE_CAPABILITIES,
  ...DIAGNOSTICS_CAPABILITIES,
] as const);

/** The declaration of any capability of the contract. */
export type AnyCapabilityDeclaration = (typeof CAPABILITY_DECLARATIONS)[number];
