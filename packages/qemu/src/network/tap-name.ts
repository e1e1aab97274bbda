import { HOST_DEVICE_PATTERN, type Vif } from '@virtkit/core';

/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1). */
const MAX_IFNAME = 15;

/**
 * The host-side tap device of a VIF: its `devname` (validated by the SDK against
 * `HOST_DEVICE_PATTERN`, which fits Linux's 15-byte limit), else `tap` + the first
 * characters of the VIF id (letters and digits only), the way orchestrators name them.
 */
export function tapNameFor(vif: Pick<Vif, 'id' | 'devname'>): string {
  if (vif.devname !== undefined) return vif.devname;
  const derived = `tap${vif.id.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, MAX_IFNAME);
  // an id without letters or digits: a name from its characters' codes still differs per id
  return HOST_DEVICE_PATTERN.test(derived) && derived.length > 3 ? derived : `tap${hash(vif.id)}`;
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
