/* eslint-disable max-len -- templates of the files `virtkit init` writes: a line here is a line of the generated file. */
import { FEATURE_FLAGS, familyOf, type CapabilityName, type FeatureFlag } from '@virtkit/core';
import { ALL_SUITES, type ConformanceFixtures } from '@virtkit/conformance';
import { familiesOf, mixinNames } from './init-capabilities.js';
import type { HookDeclaration } from './init-hook-catalogue.js';

/** What `virtkit init` writes: the package's identity and where its virtkit packages come from. */
export interface InitPlan {
  /** npm package name, e.g. `acme-virtkit-driver`. */
  readonly packageName: string;
  /** Driver name in capability maps and reports, e.g. `acme`. */
  readonly driverName: string;
  /** Capabilities in mixin order (prerequisites first). */
  readonly capabilities: readonly CapabilityName[];
  /** Hooks by capability (`core` included), from core's declarations. */
  readonly hooks: ReadonlyMap<string, readonly HookDeclaration[]>;
  /** Dependency spec per virtkit package (`^0.1.0`, or `file:` paths to packed tarballs). */
  readonly virtkitSpecs: Readonly<Record<VirtkitPackage, string>>;
}

/** The virtkit packages a scaffolded driver depends on. */
export const INIT_PACKAGES = ['@virtkit/core', '@virtkit/memory', '@virtkit/conformance', '@virtkit/cli'] as const;
/** One of {@link INIT_PACKAGES}. */
export type VirtkitPackage = (typeof INIT_PACKAGES)[number];

/**
 * Feature flags the in-memory stand-in (`@virtkit/memory`) supports; the
 * scaffold declares those its capabilities allow, so the kit's feature tests
 * run too. A vendor declares what its own hypervisor supports.
 */
const STAND_IN_FEATURES: readonly FeatureFlag[] = [
  'multiattach',
  'taggedVolumeAttach',
  'taggedInterfaceAttach',
  'deviceTagging',
  'sameHostMigration',
  'recreate',
  'bfvRescue',
];
/** Image formats the stand-in boots. */
const STAND_IN_IMAGE_TYPES = ['raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'iso', 'ploop'];
/** Type names of the language, never imported. */
const BUILTIN_TYPES = new Set(['Promise', 'Record', 'Array', 'ReadonlyArray', 'Readonly', 'Partial']);

/** Kit fixtures the chosen capabilities' tests need (read from the kit's suites, so new tests are covered). */
export function fixturesNeeded(capabilities: readonly CapabilityName[]): (keyof ConformanceFixtures)[] {
  const chosen = new Set<string>(capabilities);
  const needs = new Set<keyof ConformanceFixtures>();
  for (const suite of ALL_SUITES) {
    if (suite.capability !== 'core' && !chosen.has(suite.capability)) continue;
    for (const test of suite.tests) {
      if (!(test.requires ?? []).every((c) => chosen.has(c))) continue;
      for (const n of test.needs ?? []) needs.add(n);
      // a failure-path test without `failures` is reported unverified: the scaffold makes its stand-in fail instead
      if (test.failureFixture !== undefined) needs.add('failures');
    }
  }
  return [...needs].sort();
}

/** A migration-pair fixture of the scaffold: two drivers whose stand-ins share one fabric made with `fabricOptions`. */
function migrationPairSource(name: string, doc: string, fabricOptions: string): string {
  return `  /** ${doc} */
  async ${name}() {
    const fabric = new MemoryFabric(${fabricOptions});
    const prefix = \`kit-\${randomUUID().slice(0, 8)}\`;
    const [sourceHost, destinationHost] = [\`\${prefix}-src\`, \`\${prefix}-dst\`];
    const source = new DRIVER_CLASS({ hostname: sourceHost }, new InMemoryBackend({ hostname: sourceHost }, { fabric, hostname: sourceHost }));
    const destination = new DRIVER_CLASS({ hostname: destinationHost }, new InMemoryBackend({ hostname: destinationHost }, { fabric, hostname: destinationHost }));
    return {
      source, destination, sourceHost, destinationHost,
      release: async () => { for (const host of fabric.hosts) fabric.unregister(host); },
    };
  },`;
}

/** Fixtures `virtkit init` knows how to supply from the in-memory stand-in. */
const FIXTURE_SOURCES: Partial<Record<keyof ConformanceFixtures, string>> = {
  createVolume: `  /** A fresh volume the stand-in can attach: replace with one your storage creates (and deletes in \`release\`). */
  async createVolume(sizeBytes: number) {
    const connectionInfo = { driverVolumeType: 'memory', data: { volumeId: randomUUID(), sizeBytes } };
    return { connectionInfo, release: async () => {} };
  },`,
  createVif: `  /** A network interface to plug: replace with a port of your network. */
  createVif(): Vif {
    const mac = \`52:54:00:\${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}\`;
    return { id: randomUUID(), address: mac, type: 'user', network: { id: 'kit-net', label: 'kit' } };
  },`,
  createImage: `  /** An empty image in the image service, for snapshot to fill: replace with your image service's "create image". */
  async createImage(driver: unknown) {
    const fabric = (driver as { backend: InMemoryBackend }).backend.fabric;
    const imageId = fabric.createImage();
    return { imageId, release: async () => void fabric.images.delete(imageId) };
  },`,
  failures: `  /**
   * How the kit makes calls fail late (its failure-path tests): each function arms one failure of the NEXT such
   * call and returns true. Here the stand-in's failure injector does it; for your hypervisor, make the real call
   * fail part way (a test hook, a fault-injection switch), or return false: the kit then reports the test
   * unverified, never passed (docs/fixtures.md).
   */
  failures: {
    /** The next spawn fails after the guest exists and its resources are claimed. */
    spawnLate(driver: unknown): boolean {
      standIn(driver).failures.failNext('spawn.boot');
      return true;
    },
    /** The next snapshot fails after its image was created and the upload began. */
    snapshot(driver: unknown): boolean {
      standIn(driver).failures.failNext('snapshot.upload');
      return true;
    },
    /** The next call of \`step\` of the live-migration protocol fails, at the host that runs it. */
    migration(pair: { source: unknown; destination: unknown }, step: MigrationStep): boolean {
      const host = step === 'checkCanLiveMigrateDestination' || step === 'preLiveMigration' ? pair.destination : pair.source;
      standIn(host).failures.failNext(step, step === 'liveMigration.transfer' ? 'MIGRATION_FAILED' : 'DRIVER_ERROR');
      return true;
    },
  },`,
  createMigrationPair: migrationPairSource(
    'createMigrationPair',
    'Two hosts that can migrate to each other: two drivers whose stand-ins share one fabric.',
    '',
  ),
  createUnsharedMigrationPair: migrationPairSource(
    'createUnsharedMigrationPair',
    'Like createMigrationPair, on a fabric whose hosts do not share instance storage.',
    '{ sharedStorage: false }',
  ),
};

/**
 * Every file of a scaffolded driver package, by relative path.
 * @throws Error when a needed kit fixture has no source here (a new fixture the scaffold does not know).
 */
export function renderInitFiles(plan: InitPlan): Map<string, string> {
  const files = new Map<string, string>();
  const className = `${pascal(plan.driverName)}Driver`;
  const families = familiesOf(plan.capabilities);
  const needs = fixturesNeeded(plan.capabilities);
  const unknown = needs.filter((n) => FIXTURE_SOURCES[n] === undefined);
  if (unknown.length > 0) throw new Error(`virtkit init cannot supply kit fixture(s) ${unknown.join(', ')} yet`);
  files.set('package.json', renderPackageJson(plan));
  files.set('tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  files.set('jest.config.cjs', JEST_CONFIG);
  files.set('.gitignore', 'node_modules/\ndist/\n');
  files.set('src/backend.ts', BACKEND);
  files.set(
    'src/core.ts',
    renderLayer('CoreHooks', 'DriverBase', [], plan.hooks.get('core') ?? [], CORE_PREAMBLE, plan),
  );
  let previous = 'CoreHooks';
  let previousFile = 'core';
  for (const family of families) {
    const caps = plan.capabilities.filter((c) => familyOf(c) === family);
    const layer = `${pascal(family)}Hooks`;
    files.set(
      `src/${family}.ts`,
      renderLayer(
        layer,
        previous,
        caps,
        caps.flatMap((c) => plan.hooks.get(c) ?? []),
        '',
        plan,
        previousFile,
      ),
    );
    previous = layer;
    previousFile = family;
  }
  files.set('src/driver.ts', renderDriver(className, previous, previousFile, plan));
  files.set('src/kit-fixtures.ts', renderFixtures(className, needs));
  files.set('src/index.ts', renderIndex(className, plan));
  files.set('test/conformance.test.ts', renderTest(className, plan));
  files.set('README.md', renderReadme(className, families, needs, plan));
  return files;
}

function renderPackageJson(plan: InitPlan): string {
  const spec = plan.virtkitSpecs;
  const pkg = {
    name: plan.packageName,
    version: '0.1.0',
    description: `virtkit driver: ${plan.driverName}`,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist', 'README.md'],
    engines: { node: '>=20' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'jest',
      kit: 'virtkit conformance --driver ./dist/index.js',
      inspect: 'virtkit inspect ./dist/index.js',
    },
    dependencies: { '@virtkit/core': spec['@virtkit/core'], '@virtkit/memory': spec['@virtkit/memory'] },
    devDependencies: {
      '@types/jest': '^29.5.14',
      '@types/node': '^20.19.0',
      '@virtkit/cli': spec['@virtkit/cli'],
      '@virtkit/conformance': spec['@virtkit/conformance'],
      jest: '^29.7.0',
      'ts-jest': '^29.4.0',
      typescript: '~5.9.0',
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noImplicitOverride: true,
    noUncheckedIndexedAccess: true,
    noFallthroughCasesInSwitch: true,
    exactOptionalPropertyTypes: false,
    noEmitOnError: true,
    declaration: true,
    sourceMap: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

const JEST_CONFIG = `// Jest runs the tests from TypeScript with ts-jest, transpiling only (\`npm run build\` type-checks).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', isolatedModules: true, esModuleInterop: true, types: ['jest', 'node'] } }],
  },
  // sources import './x.js' (Node ESM); in jest they are the .ts files
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
};
`;

const BACKEND = `import { MemoryDriver } from '@virtkit/memory';

/**
 * The in-memory stand-in for your hypervisor: \`@virtkit/memory\`'s reference
 * driver, a faithful model of a host (power states, volumes, NICs, consoles,
 * migrations). Every hook of this package forwards to the stand-in's hook of
 * the same name, so the scaffold passes the conformance kit from the start.
 *
 * Replace the forwards one hook at a time with calls to your hypervisor, run
 * \`npm test\` after each, and delete this file (and the \`@virtkit/memory\`
 * dependency) when nothing uses it any more.
 */
export class InMemoryBackend extends MemoryDriver {
  /**
   * Run the stand-in's hook \`hook\` (\`_pause\`, ...) on a request the SDK has
   * already validated and state-checked for your driver.
   */
  run(hook: string, ...args: unknown[]): Promise<any> {
    const fn = (this as unknown as Record<string, unknown>)[hook];
    if (typeof fn !== 'function') return Promise.reject(new Error(\`the in-memory stand-in has no hook \${hook}\`));
    return (fn as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  }
}
`;

const CORE_PREAMBLE = `  /** The in-memory stand-in for your hypervisor (see backend.ts); replace it with your client. */
  protected readonly backend: InMemoryBackend;

  constructor(hostApi: HostApi = {}, backend: InMemoryBackend = new InMemoryBackend(hostApi)) {
    super(hostApi);
    this.backend = backend;
    // The guest changed state on its own (crashed, shut down, arrived by migration): tell the SDK,
    // which emits one lifecycle event per change. Your hypervisor's event stream goes here.
    backend.on('lifecycle', (event) => this.reportPowerState(event.instanceUuid, event.state));
  }
`;

function renderLayer(
  layer: string,
  base: string,
  caps: readonly CapabilityName[],
  hooks: readonly HookDeclaration[],
  preamble: string,
  plan: InitPlan,
  baseFile?: string,
): string {
  const mixins = mixinNames();
  const mixinOf = (c: CapabilityName): string => {
    const name = mixins.get(c);
    if (name === undefined) throw new Error(`no mixin exported for capability '${c}'`);
    return name;
  };
  const types = typeNames(hooks);
  const values = baseFile === undefined ? ['DriverBase', ...caps.map(mixinOf)] : caps.map(mixinOf);
  const typeImports = [...types, ...(baseFile === undefined ? ['HostApi'] : [])].sort();
  const imports = [...values.sort(), ...typeImports.map((t) => `type ${t}`)];
  const lines = [`import {\n  ${wrap(imports, 2)}\n} from '@virtkit/core';`];
  if (baseFile === undefined) lines.push(`import { InMemoryBackend } from './backend.js';`);
  else lines.push(`import { ${base} } from './${baseFile}.js';`);
  const composed = caps.reduce((inner, c) => `${mixinOf(c)}(${inner})`, base);
  const what =
    baseFile === undefined
      ? 'The hooks every driver writes, whatever its capabilities.'
      : `The hooks of the ${caps.map((c) => `\`${c}\``).join(', ')} capabilit${caps.length === 1 ? 'y' : 'ies'}.`;
  lines.push(
    '',
    `/**\n * ${what}\n * Each hook forwards to the in-memory stand-in: replace the body with your hypervisor call.\n * The SDK validates the request and applies the state rule before calling a hook\n * (docs/implementor-reference.md says, per hook, what it must do and throw).\n */`,
  );
  lines.push(`export abstract class ${layer} extends ${composed} {`);
  if (preamble) lines.push(preamble);
  const noHooks = caps.filter((c) => (plan.hooks.get(c) ?? []).length === 0);
  if (noHooks.length > 0)
    lines.push(
      `  // ${noHooks.map((c) => `\`${c}\``).join(', ')}: no hook to write, the SDK's defaults implement ${noHooks.length === 1 ? 'it' : 'them'}.`,
      '',
    );
  for (const h of hooks) {
    const args = h.params
      .split(',')
      .map((p) => p.trim().split(':')[0]!.replace(/\?$/, '').trim())
      .filter(Boolean);
    const optional = h.optional ? ' Optional: the SDK has a default; delete this override to use it.' : '';
    if (h.doc || optional)
      lines.push(`  /** ${h.capability === 'core' ? '' : `\`${h.capability}\`: `}${h.doc}${optional} */`);
    lines.push(`  protected override ${h.hook}(${h.params}): ${h.returns} {`);
    lines.push(`    return this.backend.run('${h.hook}', ${args.join(', ')});`);
    lines.push('  }', '');
  }
  if (lines[lines.length - 1] === '') lines.pop();
  lines.push('}', '');
  void plan;
  return lines.join('\n');
}

function renderDriver(className: string, base: string, baseFile: string, plan: InitPlan): string {
  const chosen = new Set<string>(plan.capabilities);
  const features = STAND_IN_FEATURES.filter((f) => {
    const requires = (FEATURE_FLAGS as Record<string, { requires?: string }>)[f]?.requires;
    return requires === undefined || chosen.has(requires);
  });
  const featureText = features.length === 0 ? '{}' : `{ ${features.map((f) => `${f}: true`).join(', ')} }`;
  return `import { type FeatureDeclaration, type ImageDiskFormat } from '@virtkit/core';
import { ${base} } from './${baseFile}.js';

/**
 * The ${plan.driverName} driver: capabilities ${plan.capabilities.map((c) => `\`${c}\``).join(', ')}.
 * Its capability map is derived from the mixins applied in src/*.ts, never written by hand.
 */
export class ${className} extends ${base} {
  static override driverName = '${plan.driverName}';
  static override driverVersion = '0.1.0';
  /** Feature flags refine capabilities (docs/capabilities.md): declare what your hypervisor supports. */
  static override features: FeatureDeclaration = ${featureText};
  /**
   * Image formats the driver boots: \`_spawn\` must refuse any other with a virtkit error, leaving nothing behind (the
   * kit checks).
   */
  static override imageTypes: readonly ImageDiskFormat[] = ${JSON.stringify(STAND_IN_IMAGE_TYPES).replace(/"/g, "'").replace(/,/g, ', ')};
}
`;
}

function renderFixtures(className: string, needs: readonly (keyof ConformanceFixtures)[]): string {
  const body = needs.map((n) => FIXTURE_SOURCES[n]!.replace(/DRIVER_CLASS/g, className));
  const usesCrypto = needs.length > 0;
  const needsPair = needs.includes('createMigrationPair') || needs.includes('createUnsharedMigrationPair');
  const imports = [
    usesCrypto ? `import { ${needs.includes('createVif') ? 'randomBytes, ' : ''}randomUUID } from 'node:crypto';` : '',
    needs.includes('createVif') ? "import type { Vif } from '@virtkit/core';" : '',
    needsPair ? "import { MemoryFabric } from '@virtkit/memory';" : '',
    needs.includes('failures') ? "import type { MigrationStep } from '@virtkit/conformance';" : '',
    needsPair || needs.some((n) => n === 'createImage' || n === 'failures')
      ? "import { InMemoryBackend } from './backend.js';"
      : '',
    needsPair ? `import { ${className} } from './driver.js';` : '',
  ].filter(Boolean);
  const needed = needs.length === 0 ? 'none' : needs.map((n) => `\`${n}\``).join(', ');
  const standIn = needs.includes('failures')
    ? `\n\n/** The in-memory stand-in behind a driver of this package (its failure injector arms the kit's failures). */
function standIn(driver: unknown): InMemoryBackend {
  return (driver as { backend: InMemoryBackend }).backend;
}`
    : '';
  return `${imports.join('\n')}${standIn}${imports.length ? '\n\n' : ''}/**
 * What the conformance kit needs to prove this driver (its \`ConformanceFixtures\`).
 * The kit's tests for the chosen capabilities need: ${needed}.
 * Without one, the tests that need it are skipped and the capability is reported
 * unverified, not passed (docs/fixtures.md).
 */
export const kitFixtures = {
${body.join('\n')}
};
`;
}

function renderIndex(className: string, plan: InitPlan): string {
  return `import { defineDriverClass } from '@virtkit/core';
import { ${className} } from './driver.js';
import { kitFixtures } from './kit-fixtures.js';

export { ${className} } from './driver.js';

/** What \`loadDriver('${plan.packageName}')\` and \`virtkit conformance --driver\` find. */
export default defineDriverClass(${className}, {
  description: '${plan.driverName} driver (scaffolded by virtkit init)',
  conformance: kitFixtures,
});
`;
}

function renderTest(className: string, plan: InitPlan): string {
  return `import { describeConformance, planConformance } from '@virtkit/conformance';
import { ${className} } from '../src/driver.js';
import { kitFixtures } from '../src/kit-fixtures.js';

const factory = () => new ${className}({ hostname: 'kit-host' });

// The kit, one jest test per planned test: behaviour tests for ${plan.capabilities.length} advertised
// capabilit${plan.capabilities.length === 1 ? 'y' : 'ies'},
// a NOT_SUPPORTED test for each of the others.
describeConformance({ factory, fixtures: kitFixtures });

// A skipped kit test proves nothing: fail when a fixture or feature flag the kit needs is missing.
// (Tests that also need a capability this driver does not advertise are skipped by design.)
test('the kit skips none of the tests of the advertised capabilities', () => {
  const map = factory().capabilities;
  const skipped = planConformance(map, { fixtures: kitFixtures })
    .filter((p) => p.skipReason !== undefined && (p.test.requires ?? []).every((c) => map.capabilities[c]));
  expect(skipped.map((p) => \`\${p.capability}: \${p.test.name} (\${p.skipReason})\`)).toEqual([]);
});
`;
}

function renderReadme(
  className: string,
  families: readonly string[],
  needs: readonly string[],
  plan: InitPlan,
): string {
  const fromTarballs = Object.values(plan.virtkitSpecs).some((s) => s.startsWith('file:'));
  return `# ${plan.packageName}

A virtkit compute driver (\`${plan.driverName}\`), scaffolded by \`virtkit init\`.
Capabilities: ${plan.capabilities.map((c) => `\`${c}\``).join(', ')}.

## Start

\`\`\`sh
npm install
npm run build   # tsc, strict, noEmitOnError: a type error emits nothing
npm test        # the conformance kit in jest: 0 failed (skips only for tests that also need a capability you did not choose)
npm run kit     # the same kit through the CLI, on dist/
\`\`\`
${fromTarballs ? '\nThe `@virtkit/*` dependencies point at packed tarballs (`file:`); once the packages are on\nthe npm registry, replace those specs with version ranges (`^0.1.0`).\n' : ''}
## Layout

| file | what it holds |
|---|---|
| \`src/core.ts\` | the hooks every driver writes (\`_initHost\`, \`_getInfo\`, ...) |
${families.map((f) => `| \`src/${f}.ts\` | the hooks of the \`${f}\` capabilities you chose, and their mixins |`).join('\n')}
| \`src/driver.ts\` | \`${className}\`: name, version, feature flags, image types |
| \`src/index.ts\` | the default export \`loadDriver\` and the CLI find |
| \`src/kit-fixtures.ts\` | what the kit needs to prove the driver: ${needs.length ? needs.map((n) => `\`${n}\``).join(', ') : 'nothing beyond defaults'} |
| \`src/backend.ts\` | the in-memory stand-in (\`@virtkit/memory\`) every hook forwards to |
| \`test/conformance.test.ts\` | the kit in jest, and a check that it skips nothing |

## Make it yours

Every hook forwards to the in-memory stand-in (\`this.backend.run('_pause', ...)\`).
Replace the bodies, one hook at a time, with calls to your hypervisor, and run \`npm test\`
after each. The SDK validates requests, queues calls per instance, applies the state
rules and emits lifecycle events around your hooks: a hook only talks to the hypervisor.
What each hook must do, throw and leave behind: virtkit's \`docs/implementor-reference.md\`.
Replace the kit fixtures with real resources as well (\`docs/fixtures.md\`), and
drop \`@virtkit/memory\` once nothing forwards to it.

To add a capability, apply its mixin in the family file (after its prerequisites)
and write the hooks the compiler then asks for.
`;
}

/** Type names to import from core for these hooks. */
function typeNames(hooks: readonly HookDeclaration[]): string[] {
  const names = new Set<string>();
  for (const h of hooks)
    for (const m of `${h.params} ${h.returns}`.matchAll(/\b[A-Z]\w*/g)) if (!BUILTIN_TYPES.has(m[0])) names.add(m[0]);
  return [...names].sort();
}

function wrap(items: readonly string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (next.length > 100 && line) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function pascal(name: string): string {
  return (
    name
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('') || 'My'
  );
}
