import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationIssue } from '../errors/errors.js';
import { quoteValue } from '../errors/quote-value.js';
import { SECRET_KEY_PATTERN } from '../errors/redact-secrets.js';
import { FORBIDDEN_KEYS, MAX_REQUEST_DEPTH, findBadKey } from './request-scan.js';
import { instanceOnlyFirst, type CheckResult, type RequestCheck } from './instance-only.js';
import { isAnyUuid } from './uuid-pattern.js';

/**
 * A compiled validator: the validated, deep and owned copy of the request
 * when it passes every constraint, otherwise undefined with the failures
 * pushed to `issues` (when given).
 */
export type FastCheck = (value: unknown, issues?: ValidationIssue[]) => Record<string, unknown> | undefined;

/** Validation state of one call: the failures found so far (paths relative to the object being checked). */
interface CheckState {
  readonly issues: ValidationIssue[];
}

const FAIL: unique symbol = Symbol('virtkit.invalid');
type Result = unknown;
type ObjectCheck = (value: object, st: CheckState, depth: number) => Record<string, unknown> | typeof FAIL;
/**
 * Checks one property's value (read once by the caller) and returns what the
 * copy holds, `undefined` to omit it, or FAIL.
 */
type PropertyCheck = (value: unknown, st: CheckState, depth: number, copy: Record<string, unknown>) => Result;

/**
 * How a property's value is copied. `nested`: a declared class (`@ValidateNested`);
 * `array`: a genuine array, elements deep-copied; `strings`: a record of strings;
 * `json`: free-form JSON-like data, deep-copied; `reference`: handed through as
 * is (callbacks, provider trees, objects a driver edits in place, marked with
 * `@Transform`); `scalar`: a primitive (boxed values, arrays and objects refused).
 */
type Kind = 'nested' | 'array' | 'strings' | 'json' | 'reference' | 'scalar';

interface Constraint {
  readonly name: string;
  /** The decorator's first argument (e.g. `@IsUUID('4')`'s version), undefined when none was given. */
  readonly options: unknown;
  readonly each: boolean;
  readonly test: (value: unknown, object: Record<string, unknown>) => boolean;
  readonly message: (value: unknown, object: Record<string, unknown>) => string;
}

/**
 * A request class (or a nested declared class) as class-validator's and
 * class-transformer's metadata key it: any constructor.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the metadata stores' own key type
type RequestClass = Function;

const cache = new WeakMap<RequestClass, ObjectCheck | null>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called as hasOwn.call(object, key)
const hasOwn = Object.prototype.hasOwnProperty;
const getProto: (value: object) => object | null = Object.getPrototypeOf;
const OBJECT_PROTO = Object.prototype;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called as toTag.call(value)
const toTag = Object.prototype.toString;
const UNREADABLE = 'could not be read (a getter or proxy threw)';

/**
 * Compile a request class's class-validator metadata into one synchronous
 * validator that also produces the copy the driver gets, in the same pass:
 * each property is read exactly once, checked, and copied deeply (nested
 * declared classes field by field, arrays and free-form records as owned
 * plain data), so a caller changing its objects after the call, or a getter
 * or proxy answering differently on a second read, never reaches the driver.
 * Undeclared properties are dropped (after a scan for prototype-pollution
 * keys); boxed primitives, `Set`s, arrays where an object is expected and
 * values no JSON could hold are refused. Failures carry class-validator's own
 * messages, built from the values already read (quoted and bounded), never by
 * reading the request again. Returns undefined for classes with metadata it
 * does not understand (async constraints, groups, `validateIf`).
 */
export function compileValidator(cls: RequestClass): FastCheck | undefined {
  const run = compiledFor(cls)?.run;
  if (run === undefined) return undefined;
  return (value, issues) => {
    const result = run(value);
    if (!Array.isArray(result)) return result;
    issues?.push(...result);
    return undefined;
  };
}

/**
 * The compiled check of a request class and what its fields may hold, in one lookup (the guarded path asks both
 * per call): `run` answers the validated copy, or the failures as an array (possibly empty: then the request
 * failed without a detail, e.g. a getter that lied). Undefined for classes the compiler does not understand.
 */
export function compiledRequest(cls: RequestClass): Compiled | undefined {
  return compiledFor(cls);
}

/**
 * False when no field of the class can hold a function (only fields handed
 * through by reference can: callbacks, provider trees), so a validated
 * request of it carries no orchestrator callback. True for classes the
 * compiler does not understand (the safe answer).
 */
export function mayCarryCallbacks(cls: RequestClass): boolean {
  return compiledFor(cls)?.callbacks ?? true;
}

/** What is kept per compiled class: the entry point (made once, not per call) and what its fields may hold. */
export interface Compiled {
  readonly run: RequestCheck;
  /** The full check alone (what `run` answers too, for every input: {@link instanceOnlyFirst}). */
  readonly full: RequestCheck;
  /** A field may hold an orchestrator callback (see {@link mayCarryCallbacks}). */
  readonly callbacks: boolean;
}

const compiled = new WeakMap<RequestClass, Compiled | null>();

function compiledFor(cls: RequestClass): Compiled | undefined {
  const hit = compiled.get(cls);
  if (hit !== undefined) return hit ?? undefined;
  const check = objectCheckFor(cls);
  let entry: Compiled | null = null;
  if (check !== undefined) {
    const full = entryPoint(check);
    const plans = plansOf.get(cls);
    entry = {
      run: takesInstanceOnly(cls) ? instanceOnlyFirst(full) : full,
      full,
      callbacks: plans?.some((p) => p.kind === 'reference') ?? true,
    };
  }
  compiled.set(cls, entry);
  return entry ?? undefined;
}

/**
 * A check state kept for the next call: a passing request (the usual case) then makes no issue list and no state
 * object. A check that runs while another is under way (a getter of the request calling validation) finds none
 * kept and makes its own.
 */
let spare: CheckState | undefined;

function entryPoint(check: ObjectCheck): RequestCheck {
  return (value) => {
    const st: CheckState = spare ?? { issues: [] };
    spare = undefined;
    let result: Record<string, unknown> | typeof FAIL;
    try {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !objectTagged(value)) {
        result = issue(st, '', ['request must be a plain object']);
      } else {
        result = check(value, st, 0);
      }
    } catch {
      // Only a hostile request gets here (e.g. a revoked proxy): refuse it without reading it again.
      result = unreadable(st, '');
    }
    const answer: CheckResult = result === FAIL ? st.issues.splice(0) : result;
    spare = st;
    return answer;
  };
}

/**
 * True when the class takes `{ instance: { uuid } }` as it is, for any UUID `@IsUUID()` accepts: its `instance`
 * is a nested declared class checked only for being a defined object, with a `uuid` checked only as such a UUID,
 * and every other field at both levels optional. Such classes answer that shape first ({@link instanceOnlyFirst}).
 */
function takesInstanceOnly(cls: RequestClass): boolean {
  const outer = plansOf.get(cls);
  const instance = outer?.find((p) => p.name === 'instance');
  if (outer === undefined || instance === undefined || !othersOptional(outer, instance)) return false;
  const nested = instance.nested;
  if (instance.kind !== 'nested' || instance.nestedEach || !instance.inline || nested === undefined) return false;
  if (!instance.names.every((n) => n === 'isDefined' || n === 'isObject')) return false;
  if (objectCheckFor(nested) === undefined) return false;
  const inner = plansOf.get(nested);
  const uuid = inner?.find((p) => p.name === 'uuid');
  if (inner === undefined || uuid === undefined || !othersOptional(inner, uuid)) return false;
  if (uuid.kind !== 'scalar' || !uuid.inline || !uuid.anyUuid) return false;
  return uuid.names.every((n) => n === 'isUuid' || n === 'isString' || n === 'isDefined');
}

function othersOptional(plans: readonly Plan[], one: Plan): boolean {
  return plans.every((p) => p === one || p.optional);
}

function objectCheckFor(cls: RequestClass): ObjectCheck | undefined {
  const hit = cache.get(cls);
  if (hit !== undefined) return hit ?? undefined;
  cache.set(cls, null); // guards recursive classes while compiling
  const check = buildObjectCheck(cls);
  cache.set(cls, check ?? null);
  return check;
}

/** The plans of the top-level fields of each compiled class. */
const plansOf = new WeakMap<RequestClass, readonly Plan[]>();

interface Plan {
  readonly name: string;
  readonly optional: boolean;
  readonly kind: Kind;
  /** The class a `nested` field declares. */
  readonly nested: RequestClass | undefined;
  /** The names of its constraints (`isUuid`, `isString`...). */
  readonly names: readonly string[];
  /** One constraint is `@IsUUID()` without options (validator.js's "all" pattern: {@link isAnyUuid}). */
  readonly anyUuid: boolean;
  /** The value checks can be inlined (no `each` constraint). */
  readonly inline: boolean;
  readonly nestedEach: boolean;
  readonly tests: readonly Constraint['test'][];
  /** The full check, which also explains failures. */
  readonly check: PropertyCheck;
  /** Copies a value that passed the inlined checks (nested kinds only). */
  readonly produce: ((value: unknown, st: CheckState, depth: number) => Result) | undefined;
}

function planFor(cls: RequestClass): Plan[] | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false);
  const byProperty = storage.groupByPropertyName(metadatas);
  const plans: Plan[] = [];
  for (const [name, list] of Object.entries(byProperty)) {
    let optional = false;
    let defined = false;
    let nested: RequestClass | undefined;
    let nestedEach = false;
    const constraints: Constraint[] = [];
    for (const m of list) {
      if (m.groups && m.groups.length > 0) return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        if (m.name !== 'isOptional') return undefined; // validateIf: not compiled
        optional = true;
      } else if (m.type === ValidationTypes.NESTED_VALIDATION) {
        nested = nestedClassOf(cls, name, m.each);
        if (nested === undefined) return undefined;
        nestedEach = m.each;
      } else if (m.type === ValidationTypes.CUSTOM_VALIDATION || m.type === ValidationTypes.IS_DEFINED) {
        if (m.validateIf) return undefined;
        if (m.type === ValidationTypes.IS_DEFINED) defined = true;
        for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
          if (c.async) return undefined;
          constraints.push(constraintOf(cls, name, m, c.instance as ConstraintInstance));
        }
      } else if (m.type !== ValidationTypes.WHITELIST) {
        return undefined;
      }
    }
    const kind = kindOf(cls, name, nested, constraints);
    const isOptional = optional && !defined;
    const check = propertyCheck(name, isOptional, kind, nested, nestedEach, constraints);
    const each = constraints.some((c) => c.each);
    let inner: ObjectCheck | undefined | null = null;
    const innerCheck = (): ObjectCheck | undefined =>
      inner === null ? (inner = nested ? objectCheckFor(nested) : undefined) : inner;
    const produce =
      kind !== 'nested'
        ? undefined
        : nestedEach
          ? (v: unknown, st: CheckState, depth: number): Result => {
              const c = innerCheck();
              return c ? copyEachNested(c, name, v, st, depth) : issue(st, name, [`${name} cannot be validated`]);
            }
          : (v: unknown, st: CheckState, depth: number): Result => {
              const c = innerCheck();
              return c ? copyNested(c, name, v, st, depth) : issue(st, name, [`${name} cannot be validated`]);
            };
    // `each` constraints and copy-first kinds take the full check; the others are inlined by buildObjectCheck.
    plans.push({
      name,
      optional: isOptional,
      kind,
      nested,
      names: constraints.map((c) => c.name),
      anyUuid: constraints.some((c) => c.name === 'isUuid' && c.options === undefined),
      inline: !each,
      nestedEach,
      tests: constraints.map((c) => c.test),
      check,
      produce,
    });
  }
  plansOf.set(cls, plans);
  return plans;
}

/**
 * The class `@Type(() => X)` declares for a nested field, found through
 * class-transformer's public API (what `plainToInstance` makes of an empty
 * object, or of an array of one, in that field), not its internal metadata
 * storage. Undefined when the field declares no class: the class is then
 * validated by class-validator itself. Runs once per class and field.
 */
export function nestedClassOf(cls: RequestClass, name: string, each: boolean): RequestClass | undefined {
  try {
    const made = (plainToInstance(cls as new () => object, { [name]: each ? [{}] : {} }) as Record<string, unknown>)[
      name
    ];
    const item: unknown = each ? (Array.isArray(made) ? made[0] : undefined) : made;
    const type = item !== null && typeof item === 'object' ? (item.constructor as RequestClass | undefined) : undefined;
    return type === undefined || type === Object ? undefined : type;
  } catch {
    return undefined;
  }
}

/**
 * True when class-transformer hands the field's value through as the very
 * same object (`@Transform(({ value }) => value)`: provider trees and
 * allocations a driver edits in place), found through its public API.
 */
function keptByReference(cls: RequestClass, name: string): boolean {
  const marker = {};
  try {
    return (plainToInstance(cls as new () => object, { [name]: marker }) as Record<string, unknown>)[name] === marker;
  } catch {
    return false;
  }
}

function kindOf(
  cls: RequestClass,
  name: string,
  nested: RequestClass | undefined,
  constraints: readonly Constraint[],
): Kind {
  if (nested) return 'nested';
  const names = new Set(constraints.map((c) => c.name));
  if (names.has('isFunction') || names.has('isProviderTree')) return 'reference';
  // Only fields that may hold an object can be handed through by reference; the probe instantiates the class.
  const objectLike = names.size === 0 || [...names].some((n) => OBJECT_CONSTRAINTS.has(n));
  if (objectLike && keptByReference(cls, name)) return 'reference';
  if (names.has('isStringRecord')) return 'strings';
  if (names.has('isObject') || names.has('isJsonRecord') || names.has('isAllocations')) return 'json';
  if (names.has('isArray')) return 'array';
  return 'scalar';
}

/** Constraints of fields whose value is an object or array (the others are scalars, copied as they are). */
const OBJECT_CONSTRAINTS: ReadonlySet<string> = new Set([
  'isObject',
  'isJsonRecord',
  'isAllocations',
  'isStringRecord',
  'isArray',
]);

interface ConstraintInstance {
  validate(value: unknown, args: object): unknown;
  defaultMessage?(args: object): string;
}

interface MetadataLike {
  name?: string;
  each: boolean;
  constraints: unknown[];
  message?: string | ((args: ValidationArguments) => string);
}

/** One constraint as a predicate (inlined for the common class-validator checks) and its message. */
function constraintOf(cls: RequestClass, property: string, m: MetadataLike, c: ConstraintInstance): Constraint {
  const name = m.name ?? '';
  const constraints = m.constraints ?? [];
  const targetName = cls.name;
  const argsOf = (value: unknown, object: object): ValidationArguments => ({
    constraints,
    object,
    value,
    property,
    targetName,
  });
  const generic = (value: unknown, object: Record<string, unknown>): boolean =>
    c.validate(value, argsOf(value, object)) === true;
  const message = (value: unknown, object: Record<string, unknown>): string => {
    const args = argsOf(value, object);
    const raw = m.message ?? c.defaultMessage?.(args) ?? `${property} is invalid`;
    let text = typeof raw === 'function' ? raw(args) : raw;
    constraints.forEach((constraint, i) => {
      text = text
        .split(`$constraint${i + 1}`)
        .join(Array.isArray(constraint) ? constraint.join(', ') : String(constraint));
    });
    // $value is quoted bounded and escaped; never a secret's value.
    const shown = SECRET_KEY_PATTERN.test(property) ? '[redacted]' : quoteValue(value);
    return text.split('$value').join(shown).split('$property').join(property).split('$target').join(cls.name);
  };
  const [limit] = constraints;
  // maxLength counts code points: a string no longer in UTF-16 units than the limit always passes.
  const shortcut =
    name === 'maxLength' && typeof limit === 'number'
      ? (v: unknown, o: Record<string, unknown>): boolean =>
          (typeof v === 'string' && v.length <= limit) || generic(v, o)
      : undefined;
  return {
    name,
    options: constraints[0],
    each: m.each,
    test: fastTest(name, constraints) ?? knownYes(name, constraints, generic) ?? shortcut ?? generic,
    message,
  };
}

// Sure-yes forms of validator.js's IPv4 and MAC patterns (its UUID pattern: isAnyUuid, the same answers).
const IPV4 =
  /^((?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])[.]){3}(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/;
const MAC_COLONS = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;

/**
 * The commonest string formats without validator.js's per-call overhead: the
 * UUID check is the same pattern; IPv4 and colon-separated MACs are answered
 * yes at once, anything else goes to class-validator (so no answer differs).
 */
function knownYes(name: string, c: readonly unknown[], generic: Constraint['test']): Constraint['test'] | undefined {
  if (c[0] !== undefined) return undefined; // options given: class-validator decides
  switch (name) {
    case 'isUuid':
      return (v) => typeof v === 'string' && isAnyUuid(v);
    case 'isIp':
      return (v, o) => (typeof v === 'string' && IPV4.test(v)) || generic(v, o);
    case 'isMacAddress':
      return (v, o) => (typeof v === 'string' && MAC_COLONS.test(v)) || generic(v, o);
    default:
      return undefined;
  }
}

/** class-validator's own logic for its common checks, without building an arguments object per call. */
function fastTest(name: string, c: readonly unknown[]): ((value: unknown) => boolean) | undefined {
  const [c0] = c;
  switch (name) {
    case 'isString':
      return (v) => typeof v === 'string';
    case 'isBoolean':
      return (v) => typeof v === 'boolean';
    case 'isInt':
      return (v) => typeof v === 'number' && Number.isInteger(v);
    case 'isDefined':
      return (v) => v !== undefined && v !== null;
    case 'isArray':
      return (v) => Array.isArray(v);
    case 'isObject':
      return (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && !Array.isArray(v);
    case 'min':
      return typeof c0 === 'number' ? (v) => typeof v === 'number' && v >= c0 : undefined;
    case 'max':
      return typeof c0 === 'number' ? (v) => typeof v === 'number' && v <= c0 : undefined;
    case 'isIn':
      return Array.isArray(c0) ? (v) => c0.indexOf(v) !== -1 : undefined;
    case 'matches':
      return c0 instanceof RegExp && !c0.global && !c0.sticky ? (v) => typeof v === 'string' && c0.test(v) : undefined;
    default:
      return undefined;
  }
}

function propertyCheck(
  name: string,
  optional: boolean,
  kind: Kind,
  nested: RequestClass | undefined,
  nestedEach: boolean,
  constraints: readonly Constraint[],
): PropertyCheck {
  const tests = constraints.map((c) => c.test);
  // An object handed through by reference (allocations a driver edits in place) is still no Set or boxed value.
  const objectOnly = constraints.some((c) => c.name === 'isObject');
  let inner: ObjectCheck | undefined | null = null; // resolved at first use: classes may refer to each other
  const innerCheck = (): ObjectCheck | undefined =>
    inner === null ? (inner = nested ? objectCheckFor(nested) : undefined) : inner;
  const passes = (value: unknown, object: Record<string, unknown>): boolean => {
    for (let i = 0; i < constraints.length; i++) {
      const test = tests[i]!;
      if (constraints[i]!.each && Array.isArray(value)) {
        for (let j = 0; j < value.length; j++) if (!test(value[j], object)) return false;
      } else if (!test(value, object)) return false;
    }
    return true;
  };
  const explain = (value: unknown, object: Record<string, unknown>, st: CheckState): typeof FAIL => {
    const messages: string[] = [];
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      const bad: unknown =
        c.each && Array.isArray(value) ? (value as unknown[]).find((x) => !tests[i]!(x, object)) : value;
      if (c.each && Array.isArray(value) ? value.some((x) => !tests[i]!(x, object)) : !tests[i]!(value, object))
        messages.push(c.message(bad, object));
    }
    return issue(st, name, messages.length > 0 ? messages : [`${name} is invalid`]);
  };
  return (value, st, depth, copy) => {
    if (optional && (value === undefined || value === null)) return undefined; // absent: omitted from the copy
    switch (kind) {
      case 'scalar':
        if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
          return issue(st, name, [
            `${name} must be a primitive value (string, number or boolean), not ${quoteValue(value)}`,
          ]);
        }
        return passes(value, copy) ? value : explain(value, copy, st);
      case 'reference':
        if (objectOnly && value !== null && typeof value === 'object' && !objectTagged(value)) {
          return issue(st, name, [`${name} must be a plain object, not a ${kindName(value)}`]);
        }
        return passes(value, copy) ? value : explain(value, copy, st);
      case 'nested': {
        if (!passes(value, copy)) return explain(value, copy, st);
        const check = innerCheck();
        if (check === undefined) return issue(st, name, [`${name} cannot be validated`]);
        return nestedEach ? copyEachNested(check, name, value, st, depth) : copyNested(check, name, value, st, depth);
      }
      default: {
        // Copy first, then check the copy: every constraint sees the very data the driver will get.
        const mark = st.issues.length;
        const copied =
          kind === 'array'
            ? copyArray(name, value, st, depth + 1)
            : copyRecord(name, value, kind === 'strings', st, depth + 1);
        if (copied === FAIL) return collapse(st, mark, name);
        return passes(copied, copy) ? copied : explain(copied, copy, st);
      }
    }
  };
}

function issue(st: CheckState, path: string, messages: string[]): typeof FAIL {
  st.issues.push({ path, messages });
  return FAIL;
}

/** One issue at the property for everything found inside a free-form value (its messages name the inner keys). */
function collapse(st: CheckState, mark: number, path: string): typeof FAIL {
  const messages = st.issues
    .splice(mark)
    .flatMap((i) =>
      i.path === path ? i.messages : i.messages.map((m) => (m.startsWith(i.path) ? m : `${i.path}: ${m}`)),
    );
  return issue(st, path, messages);
}

/** Prefix the paths of the issues a nested check added. */
function under(st: CheckState, mark: number, prefix: string): void {
  for (let i = mark; i < st.issues.length; i++) {
    const found = st.issues[i]!;
    st.issues[i] = { path: found.path ? `${prefix}.${found.path}` : prefix, messages: found.messages };
  }
}

function copyNested(check: ObjectCheck, path: string, value: unknown, st: CheckState, depth: number): Result {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return issue(st, path, [`${path} must be an object`]);
  // Boxed primitives, Sets, Maps, Dates... have no declared fields to read: refused, not taken for an empty object.
  if (!objectTagged(value)) return issue(st, path, [`${path} must be a plain object, not a ${kindName(value)}`]);
  if (depth + 1 > MAX_REQUEST_DEPTH) return issue(st, path, [`nested deeper than ${MAX_REQUEST_DEPTH} levels`]);
  const mark = st.issues.length;
  const result = check(value, st, depth + 1);
  if (result === FAIL) under(st, mark, path);
  return result;
}

function copyEachNested(check: ObjectCheck, path: string, value: unknown, st: CheckState, depth: number): Result {
  if (!Array.isArray(value)) return issue(st, path, [`${path} must be an array`]);
  const out: unknown[] = new Array(value.length);
  let failed = false;
  for (let i = 0; i < value.length && st.issues.length < 100; i++) {
    const item = copyNested(check, `${path}.${i}`, value[i], st, depth);
    if (item === FAIL) failed = true;
    else out[i] = item;
  }
  return failed ? FAIL : out;
}

/** A genuine array whose elements are copied as JSON-like data. */
function copyArray(path: string, value: unknown, st: CheckState, depth: number): Result {
  if (!Array.isArray(value)) return issue(st, path, [`${path} must be an array`]);
  return copyJson(path, value, st, depth, false);
}

/** A plain record (not an array); with `strings`, every value must be a string. */
function copyRecord(path: string, value: unknown, strings: boolean, st: CheckState, depth: number): Result {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return issue(st, path, [`${path} must be an object`]);
  return copyJson(path, value, st, depth, strings);
}

/**
 * Deep copy of JSON-like data: plain objects (prototype Object.prototype or
 * null), arrays, strings, finite numbers, booleans, null. Refused: Sets, Maps,
 * Dates, boxed primitives, class instances, functions, symbols, bigints, NaN
 * and ±Infinity, prototype-pollution keys, depth beyond the limit. Undefined
 * values are dropped (as JSON would). Each value is read once.
 */
function copyJson(path: string, value: unknown, st: CheckState, depth: number, strings: boolean): Result {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return strings && typeof value !== 'string' ? issue(st, path, [`${path} must be a string`]) : value;
    case 'number':
      if (strings) return issue(st, path, [`${path} must be a string`]);
      return Number.isFinite(value)
        ? value
        : issue(st, path, [`${path} must be a finite number, not ${quoteValue(value)}`]);
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      return issue(st, path, [`${path} must be JSON-like data, not ${quoteValue(value)}`]);
  }
  if (value === null) return strings ? issue(st, path, [`${path} must be a string`]) : null;
  if (depth > MAX_REQUEST_DEPTH) return issue(st, path, [`nested deeper than ${MAX_REQUEST_DEPTH} levels`]);
  let failed = false;
  if (Array.isArray(value)) {
    if (strings) return issue(st, path, [`${path} must be a string`]);
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyJson(`${path}.${i}`, value[i], st, depth + 1, false);
      if (item === FAIL) failed = true;
      else out[i] = item === undefined ? null : item;
    }
    return failed ? FAIL : out;
  }
  if (!isPlainObject(value)) {
    return issue(st, path, [`${path} must be a plain object, not a ${kindName(value)}`]);
  }
  const out: Record<string, unknown> = {};
  let key = '';
  try {
    for (key in value) {
      if (!hasOwn.call(value, key)) continue;
      const at = `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) {
        failed = issue(st, at, ['forbidden key']) === FAIL;
        continue;
      }
      const item = copyJson(at, (value as Record<string, unknown>)[key], st, depth + 1, false);
      if (item === FAIL) failed = true;
      else if (strings && typeof item !== 'string') failed = issue(st, at, [`${at} must be a string`]) === FAIL;
      else if (item !== undefined) out[key] = item;
      if (st.issues.length >= 100) break;
    }
  } catch {
    return issue(st, key ? `${path}.${key}` : path, [UNREADABLE]);
  }
  return failed ? FAIL : out;
}

function kindName(value: object): string {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Object' ? 'class instance' : tag;
}

/** Undeclared keys are dropped, but must not hide a prototype-pollution key or hostile depth. */
function undeclared(object: Record<string, unknown>, key: string, st: CheckState, depth: number): void {
  if (FORBIDDEN_KEYS.has(key)) {
    st.issues.push({ path: key, messages: ['forbidden key'] });
    return;
  }
  const value = object[key];
  if (value === null || typeof value !== 'object') return;
  if (depth + 1 > MAX_REQUEST_DEPTH) {
    st.issues.push({ path: key, messages: [`nested deeper than ${MAX_REQUEST_DEPTH} levels`] });
    return;
  }
  const bad = findBadKey(value, key, depth + 1);
  if (bad !== undefined) st.issues.push(bad);
}

function unreadable(st: CheckState, path: string): typeof FAIL {
  return issue(st, path, [UNREADABLE]);
}

/**
 * A plain object: its prototype is null or the root `Object.prototype` of
 * some realm (objects made by `structuredClone`, `vm` contexts or jest's
 * sandbox have another realm's), and it is not a Set, Map, Date, boxed
 * primitive... (their tag is not `Object`). Class instances are refused.
 */
function isPlainObject(value: object): boolean {
  const proto = getProto(value);
  if (proto === OBJECT_PROTO || proto === null) return true;
  return getProto(proto) === null && Object.prototype.toString.call(value) === '[object Object]';
}

/** Tagged `Object` (no Set, Map, Date, boxed primitive...); class instances pass. Plain objects skip the tag lookup. */
function objectTagged(value: object): boolean {
  const proto = getProto(value);
  return proto === OBJECT_PROTO || proto === null || toTag.call(value) === '[object Object]';
}

/** Own enumerable keys are exactly what `for...in` yields for objects whose prototype is Object.prototype or null. */
function plainProto(object: object): boolean {
  const proto = getProto(object);
  return proto === OBJECT_PROTO || proto === null;
}

/**
 * Generate the object check of one class: one `for...in` over the object reads
 * every declared own enumerable property once (a switch on constant keys, so
 * V8 keeps the loads and the copy's stores monomorphic), then each value is
 * checked and stored. Property names come from the class declarations (code,
 * not input) and are embedded as JSON string literals.
 */
function buildObjectCheck(cls: RequestClass): ObjectCheck | undefined {
  const plans = planFor(cls);
  if (plans === undefined) return undefined;
  const lit = (s: string): string => JSON.stringify(s);
  const src: string[] = [];
  plans.forEach((p, i) => {
    src.push(`const P${i} = plans[${i}].check, N${i} = plans[${i}].produce;`);
    p.tests.forEach((_, j) => src.push(`const T${i}_${j} = plans[${i}].tests[${j}];`));
  });
  src.push('return function check(o, st, depth) {');
  src.push('const start = st.issues.length;');
  for (let i = 0; i < plans.length; i++) src.push(`let v${i};`);
  src.push('const own = plainProto(o); let k = "";');
  src.push('try { for (k in o) { if (!own && !hasOwn.call(o, k)) continue; switch (k) {');
  plans.forEach((p, i) => src.push(`case ${lit(p.name)}: v${i} = o[k]; break;`));
  src.push('default: undeclared(o, k, st, depth); } } } catch (e) { return unreadable(st, k); }');
  src.push('const c = {}; let x;');
  plans.forEach((p, i) => {
    const v = `v${i}`;
    const tests = p.tests.map((_, j) => ` && T${i}_${j}(${v}, c)`).join('');
    let fast: string | undefined;
    if (p.inline && (p.kind === 'scalar' || p.kind === 'reference')) {
      const guard = p.kind === 'scalar' ? `typeof ${v} !== 'object' && typeof ${v} !== 'function'` : 'false';
      fast = `(${guard}${tests}) ? ${v} : P${i}(${v}, st, depth, c)`;
    } else if (p.inline && p.kind === 'nested') {
      fast = `(true${tests}) ? N${i}(${v}, st, depth) : P${i}(${v}, st, depth, c)`;
    }
    const full = `P${i}(${v}, st, depth, c)`;
    const present = fast ?? full;
    const body = p.optional
      ? `if (${v} === undefined || ${v} === null) x = undefined; else x = ${present};`
      : `x = ${present};`;
    src.push(`try { ${body} } catch (e) { x = unreadable(st, ${lit(p.name)}); }`);
    src.push(`if (x !== undefined && x !== FAIL) c[${lit(p.name)}] = x;`);
  });
  src.push('return st.issues.length > start ? FAIL : c; };');
  // The plan as straight-line code: property names are JSON literals of declared names (code, not input).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above
  const factory = new Function('plans', 'plainProto', 'hasOwn', 'undeclared', 'unreadable', 'FAIL', src.join('\n')) as (
    ...args: unknown[]
  ) => ObjectCheck;
  return factory(plans, plainProto, hasOwn, undeclared, unreadable, FAIL);
}
