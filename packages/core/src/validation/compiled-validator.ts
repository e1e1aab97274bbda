// Node resolves class-transformer's main entry to its CJS build, whose storage this is. Where a bundler picks
// another build, the lookup finds nothing and nested classes fall back to the (correct, slower) full path.
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/** A compiled check: true when the plain value passes every constraint of its class. */
export type FastCheck = (value: Record<string, unknown>) => boolean;

interface ConstraintCheck {
  readonly validate: (value: unknown, args: object) => unknown;
  readonly each: boolean;
  readonly args: { constraints: unknown[]; object: unknown; value: unknown; property: string; targetName: string };
}

interface PropertyPlan {
  readonly name: string;
  /** `@IsOptional()`-style conditions: when one is false the property is not validated. */
  readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
  readonly mustBeDefined: boolean;
  readonly checks: readonly ConstraintCheck[];
  /** The class of a `@ValidateNested()` property (from `@Type`), and whether it is a list. */
  readonly nested: (() => FastCheck | undefined) | undefined;
}

const cache = new WeakMap<Function, FastCheck | null>();

/**
 * Compile a request class's class-validator metadata into one synchronous
 * boolean check over the plain object, so the hot path skips building class
 * instances and error trees. Only the yes/no answer comes from here: any
 * failure is re-validated by class-validator itself for the detailed message,
 * so errors are exactly class-validator's. Returns undefined (use the slow
 * path) for classes with metadata it does not understand (async constraints,
 * groups, `validateIf` on custom constraints).
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
    let mustBeDefined = false;
    let nested: PropertyPlan['nested'];
    for (const m of list) {
      if (m.groups && m.groups.length > 0) return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) conditions.push(m.constraints[0]);
      else if (m.type === ValidationTypes.NESTED_VALIDATION) {
        const type = defaultMetadataStorage.findTypeMetadata(cls, name);
        if (!type) return undefined;
        const target = type.typeFunction() as Function;
        nested = () => compileValidator(target);
      } else if (m.type === ValidationTypes.CUSTOM_VALIDATION || m.type === ValidationTypes.IS_DEFINED) {
        if (m.validateIf) return undefined;
        if (m.type === ValidationTypes.IS_DEFINED) mustBeDefined = true;
        for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (c.async) return undefined;
          const validate = c.instance.validate.bind(c.instance) as (v: unknown, a: object) => unknown;
          checks.push({ validate, each: m.each, args: { constraints: m.constraints, object: undefined, value: undefined, property: name, targetName: '' } });
        }
      } else if (m.type !== ValidationTypes.WHITELIST) {
        return undefined;
      }
    }
    plans.push({ name, conditions, mustBeDefined, checks, nested });
  }
  return plans;
}

function buildCheck(plans: readonly PropertyPlan[]): FastCheck {
  return (object) => {
    for (const p of plans) {
      const value = object[p.name];
      if (!p.conditions.every((cond) => cond(object, value))) continue;
      for (const c of p.checks) {
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
      if (p.nested && value !== undefined) {
        const inner = p.nested();
        if (!inner) return false; // unknown nested class: let the slow path decide
        const items = Array.isArray(value) ? value : [value];
        for (const item of items) {
          if (item === null || typeof item !== 'object' || !inner(item as Record<string, unknown>)) return false;
        }
      }
    }
    return true;
  };
}
