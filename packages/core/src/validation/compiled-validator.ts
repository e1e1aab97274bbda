// Node resolves class-transformer's main entry to its CJS build, whose storage this is. Where a bundler picks
// another build, the lookup finds nothing and nested classes fall back to the (correct, slower) full path.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/**
 * A compiled check: a fresh copy of the plain value holding only its declared
 * own properties when it passes every constraint, otherwise undefined.
 */
export type FastCheck = (value: Record<string, unknown>) => Record<string, unknown> | undefined;

interface ConstraintCheck {
  readonly validate: (value: unknown, args: object) => unknown;
  readonly each: boolean;
  readonly args: { constraints: unknown[]; object: unknown; value: unknown; property: string; targetName: string };
}

interface PropertyPlan {
  readonly name: string;
  /** `@IsOptional()`-style conditions: when one is false the property is not validated. */
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly checks: readonly ConstraintCheck[];
  /** The compiled class of a `@ValidateNested()` property (from `@Type`), and whether it holds a list. */
  readonly nested: (() => FastCheck | undefined) | undefined;
  readonly nestedEach: boolean;
}

const cache = new WeakMap<Function, FastCheck | null>();
const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * Compile a request class's class-validator metadata into one synchronous
 * check over the plain object, so the hot path skips building class instances
 * and error trees. Only a yes (with a copy) comes from here: any failure is
 * re-validated by class-validator itself for the detailed message, so errors
 * are exactly class-validator's. The copy holds only declared own enumerable
 * properties (nested objects copied too), so a caller changing its object
 * after the call cannot reach the driver with unvalidated data. Returns
 * undefined (use the slow path) for classes with metadata it does not
 * understand (async constraints, groups, `validateIf`).
 */
export function compileValidator(cls: Function): FastCheck | undefined {
  const hit = cache.get(cls);
  if (hit !== undefined) return hit ?? undefined;
  cache.set(cls, null); // guards recursive classes while compiling
  const plan = planFor(cls);
  const check = plan ? buildCheck(plan) : undefined;
  cache.set(cls, check ?? null);
  return check;
}

function planFor(cls: Function): PropertyPlan[] | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false);
  const byProperty = storage.groupByPropertyName(metadatas);
  const plans: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(byProperty)) {
    const conditions: PropertyPlan['conditions'][number][] = [];
    const checks: ConstraintCheck[] = [];
    let nested: PropertyPlan['nested'];
    let nestedEach = false;
    for (const m of list) {
      if (m.groups && m.groups.length > 0) return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) conditions.push(m.constraints[0]);
      else if (m.type === ValidationTypes.NESTED_VALIDATION) {
        const type = defaultMetadataStorage.findTypeMetadata(cls, name);
        if (!type) return undefined;
        const target = type.typeFunction() as Function;
        nested = () => compileValidator(target);
        nestedEach = m.each;
      } else if (m.type === ValidationTypes.CUSTOM_VALIDATION || m.type === ValidationTypes.IS_DEFINED) {
        if (m.validateIf) return undefined;
        for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (c.async) return undefined;
          const validate = c.instance.validate.bind(c.instance) as (v: unknown, a: object) => unknown;
          checks.push({ validate, each: m.each, args: { constraints: m.constraints, object: undefined, value: undefined, property: name, targetName: '' } });
        }
      } else if (m.type !== ValidationTypes.WHITELIST) {
        return undefined;
      }
    }
    plans.push({ name, conditions, checks, nested, nestedEach });
  }
  return plans;
}

function buildCheck(plans: readonly PropertyPlan[]): FastCheck {
  return (object) => {
    const copy: Record<string, unknown> = {};
    for (const p of plans) {
      // Own enumerable properties only: what class-transformer would copy, so both paths see the same request.
      const value = isEnumerable.call(object, p.name) ? object[p.name] : undefined;
      if (!conditionsHold(p.conditions, object, value)) {
        if (value !== undefined) copy[p.name] = value;
        continue;
      }
      if (!passes(p.checks, object, value)) return undefined;
      if (p.nested && value !== undefined) {
        const inner = p.nested();
        if (!inner) return undefined; // unknown nested class: let the slow path decide
        const copied = p.nestedEach ? copyEach(inner, value) : copyOne(inner, value);
        if (copied === undefined) return undefined;
        copy[p.name] = copied;
      } else if (value !== undefined) {
        copy[p.name] = value;
      }
    }
    return copy;
  };
}

function conditionsHold(conditions: PropertyPlan['conditions'], object: object, value: unknown): boolean {
  for (let i = 0; i < conditions.length; i++) if (!conditions[i]!(object, value)) return false;
  return true;
}

function passes(checks: readonly ConstraintCheck[], object: object, value: unknown): boolean {
  for (const c of checks) {
    // One arguments object per constraint, refilled per call: validation is synchronous, so no sharing issue.
    const args = c.args;
    args.object = object;
    args.value = value;
    if (c.each && Array.isArray(value)) {
      for (const item of value) if (c.validate(item, args) !== true) return false;
    } else if (c.validate(value, args) !== true) {
      return false;
    }
  }
  return true;
}

/** One nested object: an array here is refused (it would otherwise validate element by element). */
function copyOne(inner: FastCheck, value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return inner(value as Record<string, unknown>);
}

function copyEach(inner: FastCheck, value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: unknown[] = [];
  for (const item of value) {
    const copied = copyOne(inner, item);
    if (copied === undefined) return undefined;
    out.push(copied);
  }
  return out;
}
