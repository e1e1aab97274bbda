// TSDoc of every public call, read from core's BUILT bundled .d.ts: the capability interfaces (named by each
// capability's declaration, `declare const X: CapabilityDeclaration<'name', 'family', Interface, ...>`) and
// DriverBase's own calls. Text and tags (@throws, @returns, @defaultValue).
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * @param {string} dtsPath path of `@virtkit/core`'s `dist/index.d.ts`
 * @returns {Map<string, Map<string, { signature: string, text: string, tags: { name: string, text: string }[] }>>}
 *          capability (or 'core') -> call name -> its declaration
 */
export function readCallDocs(dtsPath) {
  const source = ts.createSourceFile(dtsPath, readFileSync(dtsPath, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = new Map();
  source.forEachChild((node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
      declarations.set(node.name.text, [...(declarations.get(node.name.text) ?? []), node]);
    }
  });
  const result = new Map();
  source.forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const d of node.declarationList.declarations) {
      const type = d.type;
      if (!type || !ts.isTypeReferenceNode(type) || type.typeName.getText(source) !== 'CapabilityDeclaration') continue;
      const [name, , iface] = type.typeArguments ?? [];
      if (!name || !iface || !ts.isLiteralTypeNode(name) || !ts.isTypeReferenceNode(iface)) continue;
      result.set(name.literal.text, callsOf(declarations.get(iface.typeName.getText(source)), source));
    }
  });
  if (result.size === 0) throw new Error(`${dtsPath}: no capability declarations found (is @virtkit/core built?)`);
  result.set('core', callsOf(declarations.get('DriverBase'), source));
  return result;
}

function callsOf(nodes, source) {
  const calls = new Map();
  for (const m of (nodes ?? []).flatMap((n) => [...n.members])) {
    if (!(ts.isMethodSignature(m) || ts.isMethodDeclaration(m)) || !m.name || !ts.isIdentifier(m.name)) continue;
    if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ProtectedKeyword || x.kind === ts.SyntaxKind.StaticKeyword))
      continue;
    const name = m.name.text;
    if (name.startsWith('_') || calls.has(name)) continue;
    const docs = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc);
    const text = docs
      .map((d) => linkText(ts.getTextOfJSDocComment(d.comment) ?? ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    const tags = docs.flatMap((d) =>
      (d.tags ?? []).map((t) => ({
        name: t.tagName.text,
        text: linkText(ts.getTextOfJSDocComment(t.comment) ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
      })),
    );
    const signature = m
      .getText(source)
      .replace(/\/\*\*[\s\S]*?\*\/\s*/g, '')
      .replace(/\s+/g, ' ')
      .replace(/;$/, '');
    calls.set(name, { signature, text, tags });
  }
  return calls;
}

function linkText(text) {
  return text.replace(/\{@link(?:code|plain)?\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '`$1`');
}
