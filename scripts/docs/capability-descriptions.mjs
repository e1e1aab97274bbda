// The description of every capability, read from the TSDoc of its interface in core's BUILT bundled .d.ts
// (the `CapabilityInterfaces` table names the interface of each capability). Same text the API reference shows.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * @param {string} dtsPath path of `@virtkit/core`'s `dist/index.d.ts`
 * @returns {Map<string, string>} capability name -> description (Markdown, the leading "`name`: " removed)
 */
export function readCapabilityDescriptions(dtsPath) {
  const source = ts.createSourceFile(dtsPath, readFileSync(dtsPath, 'utf8'), ts.ScriptTarget.Latest, true);
  const interfaces = new Map();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && !interfaces.has(node.name.text)) interfaces.set(node.name.text, node);
  });
  const table = interfaces.get('CapabilityInterfaces');
  if (!table) throw new Error(`${dtsPath}: interface CapabilityInterfaces not found (is @virtkit/core built?)`);
  const descriptions = new Map();
  for (const member of table.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
    const capability = member.name.getText(source).replace(/^['"]|['"]$/g, '');
    const typeName = member.type.typeName.getText(source);
    const text = docText(interfaces.get(typeName));
    if (!text) throw new Error(`${dtsPath}: ${typeName} (capability '${capability}') has no TSDoc description`);
    descriptions.set(capability, text.replace(new RegExp(`^\`${escapeRegExp(capability)}\`:\\s*`), ''));
  }
  return descriptions;
}

/** The main text of a declaration's TSDoc: `{@link X}` as code, single newlines folded, paragraphs kept. */
function docText(node) {
  if (!node) return '';
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const raw = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n\n').trim();
  return raw
    .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '`$1`')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .join('\n\n');
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
