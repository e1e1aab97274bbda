// @ts-check
/**
 * Stryker ignorers of `npm run mutation`: mutants of text the contract does
 * not fix, so that no correct kit could kill them without failing every other
 * driver. Each is reported by Stryker as "Ignored" with the reason below (it
 * does not count in the score), instead of a `// Stryker disable` comment in
 * the memory driver's sources (which would have to follow every move of the
 * code). Only the text is ignored: the condition around a `throw`, the error
 * class (its `code`) and every non-text argument are still mutated.
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** Calls whose arguments at these indexes are a line of the memory guest's console log. */
const LOG_LINE_ARGUMENTS = { appendLog: [1], log: [2], change: [3] };
/**
 * Calls whose arguments at these indexes only name the operation or the request field for an error's text
 * (`refuseWhile(record, 'reboot', ...)`, `volumeIdOf(info, 'swapVolume', 'oldConnectionInfo')`).
 */
const OPERATION_NAME_ARGUMENTS = {
  refuseWhile: [1],
  refuseWhileHostOff: [1],
  refuseBootHere: [2],
  refuseWhileStaged: [2],
  attachmentsOf: [1],
  volumeIdOf: [1, 2],
};
/** Errors whose every argument is description: the operation and the list of fields with their messages. */
const DESCRIPTIVE_ERRORS = new Set(['ValidationError']);
/** Functions that only build the console log's banner text. */
const TEXT_ONLY_FUNCTIONS = new Set(['banner', 'stamped']);
/** Tables of wording only: `const WHY = { [flag]: 'the instance is rescued (unrescue it first)' }`. */
const WORDING_TABLES = new Set(['WHY']);
/** Fields of a typed error's details that are wording, not data (`detail`, validation `messages`). */
const WORDING_FIELDS = new Set(['detail', 'messages', 'operation']);

/** @param {any} node */
function calleeName(node) {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'MemberExpression' && node.property?.type === 'Identifier') return node.property.name;
  return undefined;
}

/** @param {any} path */
function isText(path) {
  return path.isStringLiteral() || path.isTemplateLiteral();
}

/**
 * Whether `path` is an argument of a `new ...Error(...)` (directly or inside its details object).
 * @param {any} path
 */
function inErrorConstruction(path) {
  for (let p = path.parentPath; p; p = p.parentPath) {
    if (p.isNewExpression()) return /Error$/.test(calleeName(p.node.callee) ?? '');
    if (p.isFunction() || p.isStatement()) return false;
  }
  return false;
}

const wording = {
  /** @param {any} path */
  shouldIgnore(path) {
    // `new ConflictError(`volume ${id} is already attached ...`)`: the contract fixes the code, not the message.
    if (
      isText(path) &&
      path.listKey === 'arguments' &&
      path.parentPath.isNewExpression() &&
      inErrorConstruction(path)
    ) {
      return 'error message wording: the contract fixes the error code, not its message';
    }
    // `{ detail: 'the guest is not running' }`, `messages: ['...']` in a typed error's details.
    if (
      path.parentPath?.isObjectProperty() &&
      path.key === 'value' &&
      WORDING_FIELDS.has(calleeName(path.parent.key) ?? '') &&
      inErrorConstruction(path)
    ) {
      return 'error detail wording: the contract fixes the error code, not its text';
    }
    // `new ValidationError('spawn', [{ path, messages }])`: the code is VALIDATION_FAILED whatever the text says.
    if (
      path.listKey === 'arguments' &&
      path.parentPath.isNewExpression() &&
      DESCRIPTIVE_ERRORS.has(calleeName(path.parent.callee) ?? '')
    ) {
      return (
        'validation error description: the contract fixes the code VALIDATION_FAILED, ' +
        'not the operation or field named'
      );
    }
    if (path.listKey === 'arguments' && path.parentPath.isCallExpression()) {
      const callee = calleeName(path.parent.callee) ?? '';
      // `appendLog(record, 'power off', limit)`: what the guest's console log says is not part of the contract.
      if (ownEntry(LOG_LINE_ARGUMENTS, callee)?.includes(path.key)) {
        return 'console log wording: the contract does not say what a console log contains';
      }
      // `run.abort('the host is going down')`: the reason becomes the text of the migration's error.
      if (isText(path) && callee === 'abort' && path.key === 0) {
        return 'abort reason wording: the contract fixes the error code of an aborted migration, not its message';
      }
      // `refuseWhile(record, 'reboot', ...)`: the operation named in the error's text.
      if (isText(path) && ownEntry(OPERATION_NAME_ARGUMENTS, callee)?.includes(path.key)) {
        return 'operation named in an error text: the contract fixes the error code, not its wording';
      }
    }
    if (path.isVariableDeclarator() && WORDING_TABLES.has(path.node.id?.name)) {
      return 'error detail wording: a table of the texts typed errors carry as detail';
    }
    if (path.isFunctionDeclaration() && TEXT_ONLY_FUNCTIONS.has(path.node.id?.name)) {
      return 'console log wording: the banner and time stamps of the memory guest console are not part of the contract';
    }
    return undefined;
  },
};

/**
 * Failure points the kit's fixtures make fail (`createMemoryFixtures().failures`): `spawn.boot`, `snapshot.upload`
 * and the live-migration protocol calls. Every other name handed to the memory driver's `hostFor(...)` only
 * addresses its failure injector, which no public call and no kit fixture reaches.
 */
const FIXTURE_FAILURE_POINTS = new Set([
  'spawn.boot',
  'snapshot.upload',
  'checkCanLiveMigrateDestination',
  'checkCanLiveMigrateSource',
  'preLiveMigration',
  'liveMigration',
  'liveMigration.transfer',
]);

const failurePoints = {
  /** @param {any} path */
  shouldIgnore(path) {
    if (
      path.isStringLiteral() &&
      path.listKey === 'arguments' &&
      path.key === 0 &&
      path.parentPath.isCallExpression() &&
      calleeName(path.parent.callee) === 'hostFor' &&
      !FIXTURE_FAILURE_POINTS.has(path.node.value)
    ) {
      return 'failure-injection point name: only the failure fixtures address these, and they use other points';
    }
    return undefined;
  },
};

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'virtkit-wording', wording),
  declareValuePlugin(PluginKind.Ignore, 'virtkit-failure-points', failurePoints),
];

/**
 * The table's own entry for `name`, never an inherited one: a callee named like an Object.prototype member
 * (`randomBytes(18).toString('hex')`) would otherwise find `Object.prototype.toString` and abort the run.
 * @param {Record<string, readonly number[]>} table
 * @param {string} name
 * @returns {readonly number[] | undefined}
 */
function ownEntry(table, name) {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
