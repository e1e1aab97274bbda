import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isVirtkitError, type VirtkitError } from '@virtkit/core';

/** Where the compile and definition errors of a driver class are explained. */
const COMPILE_ERRORS_DOC = 'docs/compile-errors.md';

/**
 * What to do about a driver that could not be loaded, chosen from what actually
 * went wrong: the driver's class definition (mixin order, missing hooks), its
 * `create()`, an import inside the module, a module that exports no driver, a
 * path that does not exist, a package that is not installed or not built, or
 * an incompatible contract. Only a missing file gets "check the path".
 *
 * @param specifier what the user passed (`--driver` or the inspect argument)
 * @param error the loader's error (`DRIVER_LOAD_FAILED` with its `cause`, or `CONTRACT_MISMATCH`)
 * @param cwd the directory relative paths are resolved from
 */
export function loadErrorHint(specifier: string, error: VirtkitError, cwd: string): string {
  if (error.code === 'CONTRACT_MISMATCH') {
    return "upgrade the driver or @virtkit/core so that the driver's contract version is compatible with this core";
  }
  const definition = causes(error).find((e): e is VirtkitError => isVirtkitError(e) && e.code === 'DRIVER_DEFINITION');
  if (definition !== undefined) return definitionHint(definition.message);
  const message = error.message;
  if (message.includes('its create() failed')) {
    return (
      'the module loaded and exports a driver, but its create(hostApi) threw ' +
      '(the message above comes from the driver): fix the driver or what it connects to; the path is right'
    );
  }
  if (message.includes('did not return an instance')) {
    return (
      'create(hostApi) must return an instance of a class built on DriverBase, ' +
      'e.g. `create: (host) => new AcmeDriver(host)`, or use `defineDriverClass(AcmeDriver)`'
    );
  }
  if (message.includes('exports no virtkit driver')) {
    return (
      'the module loads but exports no driver definition: add `export default defineDriverClass(AcmeDriver)` ' +
      '(or `defineDriver({ create })`) from @virtkit/core; ' +
      'for a package, point at its built entry (e.g. ./dist/index.js)'
    );
  }
  if (message.includes('importing ')) return importHint(error.cause);
  if (message.includes('is it built?')) {
    return (
      `the package is installed but has no built entry point: build it (npm run build in ${specifier}), then ` +
      `run again`
    );
  }
  if (isPathLike(specifier) && !existsSync(pathOf(specifier, cwd))) {
    return (
      `check the path (relative paths are resolved from ${cwd}); the module must export \`default ` +
      `defineDriver({ create })\` from @virtkit/core`
    );
  }
  if (isPathLike(specifier)) {
    return (
      'the file exists but could not be loaded as a driver module; the module must export `default ' +
      'defineDriver({ create })` from @virtkit/core'
    );
  }
  return (
    `install it (npm install ${specifier}; a workspace package must be built first) ` +
    'or pass a path to a driver module; a driver package exports `default defineDriver({ create })` from @virtkit/core'
  );
}

function definitionHint(message: string): string {
  if (/applied first|inner mixin/.test(message)) {
    return (
      'the driver class applies a capability before its prerequisite: the inner mixin is applied first, so write ' +
      `\`withPause(withLifecycle(DriverBase))\`, not \`withLifecycle(withPause(DriverBase))\` ` +
      `(${COMPILE_ERRORS_DOC}, "mixin order")`
    );
  }
  if (/applied twice/.test(message)) return "the driver class applies the same capability's mixin twice: keep one";
  if (/does not implement required hook/.test(message)) {
    return (
      'the driver class lacks hooks of a capability it applies: write them (tsc reports them at compile time; ' +
      `build with "noEmitOnError": true so a failed build cannot leave a stale dist) (${COMPILE_ERRORS_DOC}, ` +
      `"missing hook")`
    );
  }
  return `the driver class definition is refused (the message above says why): fix the class (${COMPILE_ERRORS_DOC})`;
}

function importHint(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return (
      'the driver module was found, but a module it imports is missing: run `npm install` in the driver package ' +
      '(and `npm run build` if it imports its own built files)'
    );
  }
  if (cause instanceof SyntaxError || code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return (
      'Node cannot run this file as JavaScript: point at the compiled module (e.g. ./dist/index.js), not the ' +
      'TypeScript source'
    );
  }
  return (
    'the driver module threw while it was being imported (the message above comes from its code, not from the ' +
    'path): fix the module'
  );
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function isPathLike(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('file:') || isAbsolute(specifier);
}

function pathOf(specifier: string, cwd: string): string {
  return specifier.startsWith('file:') ? new URL(specifier).pathname : resolve(cwd, specifier);
}
