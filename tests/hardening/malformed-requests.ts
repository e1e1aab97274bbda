import { getMetadataStorage, ValidationTypes } from 'class-validator';
// eslint-disable-next-line no-restricted-imports -- reads core's internal request-class graph to build malformed input
import { nestedClassOf } from '../../packages/core/src/validation/compiled-validator';

/** One malformed request: what was changed, and the request itself. */
export interface Malformed {
  readonly label: string;
  readonly request: unknown;
}

const MB = 1024 * 1024;
const HUGE = 'x'.repeat(MB);

/** An object nested `depth` levels deep (built iteratively: building it must not overflow the stack). */
function deepObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Hostile values tried on every field; those the field's declared constraints accept are dropped. */
const POOL: readonly [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['number', 42],
  ['negative', -1],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['fraction', 1.5],
  ['boolean', true],
  ['string', 'str'],
  ['empty string', ''],
  ['object', {}],
  ['array', []],
  ['array of null', [null]],
  ['1 MB string', HUGE],
  ['traversal ../', '../../etc/passwd'],
  ['absolute path', '/etc/shadow'],
  ['comma injection', 'a,b=c'],
  ['newline', 'a\nb'],
  ['NUL', 'a\0b'],
  ['huge number', Number.MAX_VALUE],
  ['numeric string', '1'],
];

/** Values a nested (`@ValidateNested`) property can never take. */
const NOT_NESTED: readonly [string, unknown][] = [
  ['number', 42],
  ['string', 'str'],
  ['boolean', true],
  ['NaN', NaN],
  ['1 MB string', HUGE],
];

interface PropertyRules {
  readonly optional: boolean;
  readonly nested: Function | undefined;
  readonly checks: ((value: unknown) => boolean)[];
}

/** The declared constraints of each property of a request class (own and inherited). */
function propertyRules(cls: Function): Map<string, PropertyRules> {
  const storage = getMetadataStorage();
  const out = new Map<string, PropertyRules>();
  for (const m of storage.getTargetValidationMetadatas(cls, '', false, false)) {
    const rules = out.get(m.propertyName) ?? { optional: false, nested: undefined, checks: [] };
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      out.set(m.propertyName, { ...rules, optional: true });
      continue;
    }
    if (m.type === ValidationTypes.NESTED_VALIDATION) {
      out.set(m.propertyName, { ...rules, nested: nestedClassOf(cls, m.propertyName, m.each) });
      continue;
    }
    for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
      const args = {
        constraints: m.constraints,
        object: {},
        property: m.propertyName,
        targetName: cls.name,
        value: undefined,
      };
      rules.checks.push((v) =>
        m.each && Array.isArray(v)
          ? v.every((x) => c.instance.validate(x, { ...args, value: x }) === true)
          : c.instance.validate(v, { ...args, value: v }) === true,
      );
    }
    out.set(m.propertyName, rules);
  }
  return out;
}

/** True when the declared rules of a property reject `value`. */
function rejects(rules: PropertyRules, value: unknown): boolean {
  if (value === undefined || value === null) return !rules.optional;
  if (rules.nested && (typeof value !== 'object' || Number.isNaN(value))) return true;
  return rules.checks.some((check) => !check(value));
}

/**
 * Every malformed variant of `base` (a valid request of class `cls`) the
 * class's declared rules reject: each field (also nested ones, and fields
 * `base` leaves out) set to each hostile value, required fields removed,
 * prototype-pollution keys as own keys, and the request itself replaced by
 * non-objects.
 */
export function malformedRequests(cls: Function | undefined, base: Record<string, unknown>): Malformed[] {
  const out: Malformed[] = [];
  const hasRequired = cls !== undefined && [...propertyRules(cls).values()].some((r) => !r.optional);
  for (const [label, value] of [
    ['number', 42],
    ['string', 'str'],
    ['boolean', true],
    ['array', []],
    ['array of the request', [base]],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['1 MB string', HUGE],
    ['function', () => base],
  ] as const) {
    out.push({ label: `request: ${label}`, request: value });
  }
  if (hasRequired) out.push({ label: 'request: null', request: null }, { label: 'request: {}', request: {} });
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    out.push({ label: `own key ${key} (JSON.parse)`, request: withOwnKey(base, key) });
    if (isObject(base.instance))
      out.push({ label: `instance: own key ${key}`, request: { ...base, instance: withOwnKey(base.instance, key) } });
  }
  out.push({ label: 'extra field nested 10,000 deep', request: { ...base, extra: deepObject(10_000) } });
  // A polluting key below the depth a scan would stop at must not slip through.
  const hidden = JSON.parse(`${'{"a":'.repeat(40)}{"__proto__":{"polluted":true}}${'}'.repeat(40)}`) as unknown;
  out.push({ label: 'own key __proto__ 40 levels deep', request: { ...base, extra: hidden } });
  if (cls !== undefined) fieldVariants(cls, base, [], out, 0);
  return out;
}

function fieldVariants(
  cls: Function,
  obj: Record<string, unknown>,
  path: string[],
  out: Malformed[],
  depth: number,
): void {
  for (const [prop, rules] of propertyRules(cls)) {
    const at = [...path, prop];
    const pool = rules.nested ? NOT_NESTED : POOL;
    for (const [label, value] of pool) {
      if (rejects(rules, value))
        out.push({ label: `${at.join('.')}: ${label}`, request: setPath(obj, path, prop, value) });
    }
    if (!rules.optional && prop in obj)
      out.push({ label: `${at.join('.')}: missing`, request: setPath(obj, path, prop, undefined, true) });
    const current = obj[prop];
    const inner = Array.isArray(current) ? current[0] : current;
    if (rules.nested && isObject(inner) && depth < 4) {
      const innerOut: Malformed[] = [];
      fieldVariants(rules.nested, inner, [], innerOut, depth + 1);
      for (const m of innerOut) {
        const replaced = Array.isArray(current) ? [m.request, ...current.slice(1)] : m.request;
        out.push({
          label: `${at.join('.')}${Array.isArray(current) ? '[0]' : ''}.${m.label}`,
          request: setPath(obj, path, prop, replaced),
        });
      }
    }
  }
}

function setPath(
  obj: Record<string, unknown>,
  _path: readonly string[],
  prop: string,
  value: unknown,
  remove = false,
): Record<string, unknown> {
  const copy = { ...obj };
  if (remove) delete copy[prop];
  else copy[prop] = value;
  return copy;
}

function withOwnKey(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const polluted = JSON.parse(`{"${key}": {"polluted": true, "isAdmin": true}}`) as Record<string, unknown>;
  Object.defineProperty(copy, key, { value: polluted[key], enumerable: true, configurable: true, writable: true });
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'function') copy[k] = v;
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One hostile input: a context and a request for one call, and the attack class it belongs to. */
export interface Hostile {
  readonly attack: string;
  readonly label: string;
  readonly ctx: unknown;
  readonly request: unknown;
}

const THROW = (): never => {
  throw new Error('hostile getter');
};

/** An object like `obj` whose property `key` is a getter that throws. */
function withThrowingGetter(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  Object.defineProperty(copy, key, { enumerable: true, configurable: true, get: THROW });
  return copy;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const TRAPS: ProxyHandler<object> = {
  get: THROW,
  has: THROW,
  ownKeys: THROW,
  getOwnPropertyDescriptor: THROW,
  getPrototypeOf: THROW,
};

/** Contexts the guarded surface must refuse (issue #12 item 3). */
function hostileContexts(): [string, unknown][] {
  const getter = {};
  Object.defineProperty(getter, 'signal', { enumerable: true, get: THROW });
  return [
    ['signal { aborted: false }', { signal: { aborted: false } }],
    ['signal { aborted: true }', { signal: { aborted: true } }],
    ['signal faking the API', { signal: { aborted: false, addEventListener: THROW, removeEventListener: THROW } }],
    ['deadline as a string', { deadline: '2030-01-01' }],
    ['deadline NaN', { deadline: NaN }],
    ['deadline as a boxed number', { deadline: new Number(Date.now() + 1000) }],
    ['requestId with CR/LF', { requestId: 'a\r\nFORGED' }],
    ['onProgress as a string', { onProgress: 'x' }],
    ['ctx as a string', 'ctx'],
    ['ctx as an array', []],
    ['ctx with a throwing getter', getter],
    ['ctx as a proxy with throwing traps', new Proxy({}, TRAPS)],
    ['ctx as a revoked proxy', revokedProxy()],
  ];
}

/** Values no declared field may take: boxed primitives, collections, arrays in the wrong place (items 6, 11). */
const WEIRD: readonly [string, () => unknown][] = [
  ['new Boolean(false)', () => new Boolean(false)],
  ['new String', () => new String('x')],
  ['new Number', () => new Number(1)],
  ['a Set', () => new Set([1])],
  ['a Map', () => new Map([['a', 'b']])],
  ['[undefined]', () => [undefined]],
  ['[[]] nested array', () => [[]]],
  ['a Date', () => new Date(0)],
  ['a function', () => THROW],
  ['a symbol', () => Symbol('s')],
  ['a bigint', () => 1n],
];

/**
 * Hostile inputs for one call (issue #12): malformed contexts with a valid
 * request; throwing getters on each top-level field and inside `instance`;
 * proxies with throwing traps (as the request and as `instance`), a revoked
 * proxy; and every declared field (one level down in `instance` too) set to
 * a boxed primitive, a Set, a Map, `[undefined]`, a nested array, a Date, a
 * function, a symbol, a bigint, where its rules refuse such a thing.
 */
export function hostileInputs(cls: Function | undefined, base: Record<string, unknown>): Hostile[] {
  const out: Hostile[] = [];
  for (const [label, ctx] of hostileContexts()) out.push({ attack: 'hostile ctx', label, ctx, request: base });
  for (const key of Object.keys(base))
    out.push({ attack: 'throwing getter', label: key, ctx: {}, request: withThrowingGetter(base, key) });
  if (isObject(base.instance)) {
    out.push({
      attack: 'throwing getter',
      label: 'instance.uuid',
      ctx: {},
      request: { ...base, instance: withThrowingGetter(base.instance, 'uuid') },
    });
    out.push({
      attack: 'proxy',
      label: 'instance as a proxy with throwing traps',
      ctx: {},
      request: { ...base, instance: new Proxy({}, TRAPS) },
    });
  }
  out.push({
    attack: 'proxy',
    label: 'request as a proxy with throwing traps',
    ctx: {},
    request: new Proxy({}, TRAPS),
  });
  out.push({ attack: 'proxy', label: 'request as a revoked proxy', ctx: {}, request: revokedProxy() });
  if (cls === undefined) return out;
  const rules = propertyRules(cls);
  for (const [prop, rule] of rules) {
    for (const [label, make] of WEIRD) {
      if (!refusesWeird(rule, label)) continue;
      out.push({ attack: 'weird value', label: `${prop}: ${label}`, ctx: {}, request: { ...base, [prop]: make() } });
    }
  }
  const instanceClass = rules.get('instance')?.nested;
  if (instanceClass && isObject(base.instance)) {
    for (const [prop, rule] of propertyRules(instanceClass)) {
      for (const [label, make] of WEIRD) {
        if (!refusesWeird(rule, label)) continue;
        out.push({
          attack: 'weird value',
          label: `instance.${prop}: ${label}`,
          ctx: {},
          request: { ...base, instance: { ...base.instance, [prop]: make() } },
        });
      }
    }
  }
  return out;
}

/** Callbacks take functions, and free-form JSON records... nothing else takes any of these values. */
function refusesWeird(rule: PropertyRules, label: string): boolean {
  if (label === 'a function') return !rule.checks.some((check) => check(THROW));
  return true;
}
