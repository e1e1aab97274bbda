import type { AnyCapabilityDeclaration } from './capability-declarations.js';
import type { InterfaceOf } from './declare-capability.js';

/** The public interface of every capability, by name: what `supports()` narrows a driver to (from the declarations). */
export type CapabilityInterfaces = {
  [D in AnyCapabilityDeclaration as D['name']]: InterfaceOf<D>;
};
