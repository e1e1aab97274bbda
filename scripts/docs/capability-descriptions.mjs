// The description of every capability, as its declaration in the BUILT @virtkit/core states it
// (`CAPABILITY_DECLARATIONS[i].description`).
import { CAPABILITY_DECLARATIONS } from '@virtkit/core';

/**
 * @returns {Map<string, string>} capability name -> description (Markdown)
 */
export function readCapabilityDescriptions() {
  const descriptions = new Map();
  for (const { name, description } of CAPABILITY_DECLARATIONS) {
    if (!description.trim()) throw new Error(`capability '${name}' declares no description`);
    descriptions.set(name, description);
  }
  return descriptions;
}
