// The method specs of every capability (and of DriverBase's core calls), read from core's SOURCE with the
// TypeScript compiler: `declareCapability<I>()({ name, requires, methods, defaults, ... })` in capabilities/**
// and `installMethods(DriverBase.prototype, {...})`. Specs hold closures (state rules), so they are rendered
// as the source text of their parts; named rules (ANY_STATE_RULE, LIVE_SOURCE_RULE, ...) are resolved.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * @param {string} coreSrc path of packages/core/src
 * @returns {{ capabilities: Map<string, { requires: string[], methods: Map<string, object>, defaults: string[] }>,
 *   core: Map<string, object> }}
 */
export function readMethodSpecs(coreSrc) {
  const files = [...listTs(join(coreSrc, 'capabilities')), ...listTs(join(coreSrc, 'driver'))];
  const sources = files.map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));
  const constants = new Map();
  const functions = new Map();
  for (const source of sources) {
    source.forEachChild((node) => {
      if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations)
          if (ts.isIdentifier(d.name) && d.initializer) constants.set(d.name.text, d.initializer);
      } else if (ts.isFunctionDeclaration(node) && node.name) functions.set(node.name.text, node);
    });
  }
  const capabilities = new Map();
  const core = new Map();
  for (const source of sources) {
    const visit = (node) => {
      // A capability declaration: declareCapability<Interface>()({ name, requires, methods, defaults, ... }).
      const declared =
        ts.isCallExpression(node) &&
        ts.isCallExpression(node.expression) &&
        ts.isIdentifier(node.expression.expression) &&
        node.expression.expression.text === 'declareCapability';
      if (declared) {
        const [first] = node.arguments;
        if (first && ts.isObjectLiteralExpression(first)) {
          const spec = objectProps(first);
          const name = literal(spec.get('name'));
          capabilities.set(name, {
            requires: spec.has('requires') ? spec.get('requires').elements.map(literal) : [],
            methods: methodsOf(resolve(spec.get('methods'), constants), constants, functions),
            defaults: spec.has('defaults') ? [...objectProps(resolve(spec.get('defaults'), constants)).keys()] : [],
          });
        }
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const [first, second] = node.arguments;
        if (
          node.expression.text === 'installMethods' &&
          second &&
          ts.isObjectLiteralExpression(second) &&
          first.getText().startsWith('DriverBase')
        ) {
          for (const [k, v] of methodsOf(second, constants, functions)) core.set(k, v);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { capabilities, core };
}

function methodsOf(node, constants, functions) {
  const methods = new Map();
  for (const [call, value] of objectProps(node)) {
    const spec = objectProps(resolve(value, constants));
    const state = spec.has('state') ? stateOf(spec.get('state'), constants) : undefined;
    const aroundName = spec.get('around')?.getText();
    methods.set(call, {
      hook: literal(spec.get('hook')),
      request: spec.get('request')?.getText(),
      instance: spec.get('instance')?.getText() === 'true',
      missingOk: spec.get('missingOk')?.getText() === 'true',
      state,
      after: spec.has('after'),
      around: aroundName ? { name: clean(aroundName), doc: docOf(functions.get(aroundName)) } : undefined,
    });
  }
  return methods;
}

function stateOf(node, constants) {
  const named = ts.isIdentifier(node) ? node.text : undefined;
  const rule = objectProps(resolve(node, constants));
  const text = (key) => (rule.has(key) ? clean(resolveText(rule.get(key), constants)) : undefined);
  return { named, from: text('from'), to: text('to'), noop: text('noop'), refuse: text('refuse') };
}

/** Source text with identifiers of module constants (rules, state lists) replaced by their definition. */
function resolveText(node, constants) {
  if (ts.isIdentifier(node) && constants.has(node.text) && node.text !== 'notSoftDeleted')
    return resolveText(constants.get(node.text), constants);
  return node.getText();
}

function resolve(node, constants) {
  let current = node;
  const seen = new Set();
  while (current && ts.isIdentifier(current) && constants.has(current.text) && !seen.has(current.text)) {
    seen.add(current.text);
    current = constants.get(current.text);
  }
  while (
    current &&
    (ts.isAsExpression(current) || ts.isSatisfiesExpression?.(current) || ts.isParenthesizedExpression(current))
  )
    current = current.expression;
  if (current && ts.isCallExpression(current) && current.expression.getText() === 'Object.freeze')
    current = current.arguments[0];
  return current;
}

function objectProps(node) {
  const props = new Map();
  if (!node || !ts.isObjectLiteralExpression(node)) return props;
  for (const p of node.properties) {
    if (ts.isPropertyAssignment(p)) props.set(p.name.getText().replace(/^['"]|['"]$/g, ''), p.initializer);
    else if (ts.isShorthandPropertyAssignment(p)) props.set(p.name.text, p.name);
    else if (ts.isMethodDeclaration(p)) props.set(p.name.getText(), p);
  }
  return props;
}

function literal(node) {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : node?.getText();
}

function docOf(node) {
  if (!node) return '';
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function clean(text) {
  return (
    text
      .replace(/PowerState\./g, '')
      .replace(/^Object\.freeze\(([\s\S]*)\)$/, '$1')
      .replace(/\s+/g, ' ')
      // Prettier wraps long parameter lists with a trailing comma; one line reads better without the wrap's marks.
      .replace(/\( /g, '(')
      .replace(/,? \)/g, ')')
      .trim()
  );
}

function listTs(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}
