import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { normalizeInventory, ProviderTree, type ProviderInput } from './index.js';

const ROOT = '11111111-1111-4111-8111-111111111111';
const CHILD = '22222222-2222-4222-8222-222222222222';
const GRANDCHILD = '33333333-3333-4333-8333-333333333333';
const OTHER_ROOT = '44444444-4444-4444-8444-444444444444';
const AGG1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AGG2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const FULL = { total: 8, reserved: 0, minUnit: 1, maxUnit: 8, stepSize: 1, allocationRatio: 1 };

/** root 'node1' > child 'node1_numa0' > grandchild 'node1_gpu0', plus root 'node2'. */
function sampleTree(): ProviderTree {
  const tree = new ProviderTree();
  tree.newRoot('node1', ROOT);
  tree.newChild('node1_numa0', 'node1', CHILD);
  tree.newChild('node1_gpu0', CHILD, GRANDCHILD);
  tree.newRoot('node2', OTHER_ROOT);
  return tree;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function errorOf(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('ProviderTree structure', () => {
  it('adds roots and children and finds them by name or uuid', () => {
    const tree = sampleTree();
    expect(tree.size).toBe(4);
    for (const key of ['node1', ROOT, 'node1_numa0', CHILD, 'node1_gpu0', GRANDCHILD, 'node2', OTHER_ROOT]) {
      expect(tree.exists(key)).toBe(true);
    }
    expect(tree.exists('nope')).toBe(false);
    expect(tree.exists(ROOT.toUpperCase())).toBe(true);
    expect(tree.get('node1_gpu0')).toMatchObject({
      uuid: GRANDCHILD,
      parentUuid: CHILD,
      rootUuid: ROOT,
      generation: 0,
    });
    expect(tree.get(ROOT)).toMatchObject({ name: 'node1', parentUuid: null, rootUuid: ROOT, childUuids: [CHILD] });
  });

  it('returns lower-cased uuids and accepts a starting generation', () => {
    const tree = new ProviderTree();
    expect(tree.newRoot('n', ROOT.toUpperCase(), 7)).toBe(ROOT);
    expect(tree.get('n').generation).toBe(7);
  });

  it('generates a uuid for a child when none is given', () => {
    const tree = sampleTree();
    const uuid = tree.newChild('pf0', 'node2');
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(tree.get(uuid)).toMatchObject({ name: 'pf0', parentUuid: OTHER_ROOT, rootUuid: OTHER_ROOT });
  });

  it('supports any depth', () => {
    const tree = new ProviderTree();
    tree.newRoot('d0', ROOT);
    for (let i = 1; i <= 20; i++) tree.newChild(`d${i}`, `d${i - 1}`);
    expect(tree.get('d20').rootUuid).toBe(ROOT);
    expect(tree.getProviderUuids('d0')).toHaveLength(21);
    expect(tree.getProviderUuidsInTree('d20')).toEqual(tree.getProviderUuids('d0'));
  });

  it('refuses bad names, uuids and generations with VALIDATION_FAILED', () => {
    const tree = new ProviderTree();
    expect(codeOf(() => tree.newRoot('', ROOT))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.newRoot('x'.repeat(201), ROOT))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.newRoot(42 as unknown as string, ROOT))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.newRoot('n', 'not-a-uuid'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.newRoot('n', ROOT, -1))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.newRoot('n', ROOT, 1.5))).toBe('VALIDATION_FAILED');
    tree.newRoot('n', ROOT);
    expect(codeOf(() => tree.newChild('c', 'n', 'bad'))).toBe('VALIDATION_FAILED');
    expect(errorOf(() => tree.newRoot('m', 'bad'))).toBeInstanceOf(ValidationError);
    expect(tree.size).toBe(1);
  });

  it('refuses taken names and uuids with CONFLICT', () => {
    const tree = sampleTree();
    expect(errorOf(() => tree.newRoot('node1', '55555555-5555-4555-8555-555555555555'))).toBeInstanceOf(ConflictError);
    expect(codeOf(() => tree.newRoot('fresh', ROOT))).toBe('CONFLICT');
    expect(codeOf(() => tree.newChild('node2', 'node1'))).toBe('CONFLICT');
    expect(codeOf(() => tree.newChild('fresh', 'node1', CHILD))).toBe('CONFLICT');
    // a name that is another provider's uuid would make lookups ambiguous
    expect(codeOf(() => tree.newRoot(ROOT, '55555555-5555-4555-8555-555555555555'))).toBe('CONFLICT');
    expect(codeOf(() => tree.newRoot('x', '66666666-6666-4666-8666-666666666666'))).toBeUndefined();
    expect(tree.size).toBe(5);
  });

  it('allows a provider named by its own uuid', () => {
    const tree = new ProviderTree();
    tree.newRoot(ROOT, ROOT);
    expect(tree.get(ROOT).name).toBe(ROOT);
  });

  it('throws NOT_FOUND for unknown providers in every call', () => {
    const tree = sampleTree();
    const calls: Array<() => unknown> = [
      () => tree.get('ghost'),
      () => tree.data('ghost'),
      () => tree.remove('ghost'),
      () => tree.newChild('c', 'ghost'),
      () => tree.getProviderUuids('ghost'),
      () => tree.getProviderUuidsInTree('ghost'),
      () => tree.updateInventory('ghost', {}),
      () => tree.hasInventoryChanged('ghost', {}),
      () => tree.addTraits('ghost', ['A']),
      () => tree.removeTraits('ghost', ['A']),
      () => tree.updateTraits('ghost', ['A']),
      () => tree.hasTraits('ghost', ['A']),
      () => tree.haveTraitsChanged('ghost', ['A']),
      () => tree.addAggregates('ghost', [AGG1]),
      () => tree.removeAggregates('ghost', [AGG1]),
      () => tree.updateAggregates('ghost', [AGG1]),
      () => tree.inAggregates('ghost', [AGG1]),
      () => tree.haveAggregatesChanged('ghost', [AGG1]),
    ];
    for (const call of calls) {
      const error = errorOf(call);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.code).toBe('NOT_FOUND');
    }
  });

  it('removes a provider with all its descendants', () => {
    const tree = sampleTree();
    tree.remove('node1_numa0');
    expect(tree.exists(CHILD)).toBe(false);
    expect(tree.exists(GRANDCHILD)).toBe(false);
    expect(tree.get('node1').childUuids).toEqual([]);
    expect(tree.size).toBe(2);
    // names and uuids are free again
    tree.newChild('node1_gpu0', 'node1', GRANDCHILD);
    tree.remove(ROOT);
    expect(tree.getProviderUuids()).toEqual([OTHER_ROOT]);
    expect(tree.roots.map((r) => r.name)).toEqual(['node2']);
  });

  it('lists uuids top-down: a subtree, a whole tree, or every tree', () => {
    const tree = sampleTree();
    const second = tree.newChild('node1_numa1', 'node1');
    expect(tree.getProviderUuids('node1')).toEqual([ROOT, CHILD, GRANDCHILD, second]);
    expect(tree.getProviderUuids(CHILD)).toEqual([CHILD, GRANDCHILD]);
    expect(tree.getProviderUuids()).toEqual([ROOT, CHILD, GRANDCHILD, second, OTHER_ROOT]);
    expect(tree.getProviderUuidsInTree('node1_gpu0')).toEqual([ROOT, CHILD, GRANDCHILD, second]);
    expect(tree.getProviderUuidsInTree('node2')).toEqual([OTHER_ROOT]);
  });

  it('lists roots as frozen data in insertion order', () => {
    const roots = sampleTree().roots;
    expect(roots.map((r) => r.uuid)).toEqual([ROOT, OTHER_ROOT]);
    expect(Object.isFrozen(roots)).toBe(true);
    expect(Object.isFrozen(roots[0])).toBe(true);
    expect(new ProviderTree().roots).toEqual([]);
  });
});

describe('ProviderTree data', () => {
  it('returns deep-frozen point-in-time copies', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 8 } });
    tree.addTraits('node1', ['HW_CPU_X86_AVX2']);
    tree.addAggregates('node1', [AGG1]);
    const before = tree.data('node1');
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(before.inventory)).toBe(true);
    expect(Object.isFrozen(before.inventory['VCPU'])).toBe(true);
    expect(Object.isFrozen(before.traits)).toBe(true);
    expect(Object.isFrozen(before.aggregates)).toBe(true);
    expect(Object.isFrozen(before.childUuids)).toBe(true);
    expect(() => {
      (before.inventory['VCPU'] as { total: number }).total = 99;
    }).toThrow(TypeError);

    tree.updateInventory('node1', { VCPU: { total: 16 } });
    tree.addTraits('node1', ['CUSTOM_GOLD']);
    tree.newChild('node1_numa1', 'node1');
    expect(before.inventory['VCPU']).toEqual(FULL);
    expect(before.traits).toEqual(['HW_CPU_X86_AVX2']);
    expect(before.childUuids).toEqual([CHILD]);
    expect(before.generation).toBe(3);
    expect(tree.get('node1').generation).toBe(5);
  });

  it('get and data agree', () => {
    const tree = sampleTree();
    expect(tree.get('node1_gpu0')).toEqual(tree.data(GRANDCHILD));
  });

  it('sorts traits and aggregates', () => {
    const tree = sampleTree();
    tree.updateTraits('node1', ['ZED', 'ALPHA', 'MID']);
    tree.updateAggregates('node1', [AGG2, AGG1]);
    expect(tree.get('node1').traits).toEqual(['ALPHA', 'MID', 'ZED']);
    expect(tree.get('node1').aggregates).toEqual([AGG1, AGG2]);
  });
});

describe('ProviderTree inventory', () => {
  it('fills defaults and reports changes', () => {
    const tree = sampleTree();
    expect(tree.updateInventory('node1', { VCPU: { total: 8 } })).toBe(true);
    expect(tree.get('node1').inventory).toEqual({ VCPU: FULL });
    expect(tree.get('node1').generation).toBe(1);
    expect(tree.updateInventory('node1', { VCPU: { total: 8 } })).toBe(false);
    expect(tree.updateInventory('node1', { VCPU: FULL })).toBe(false);
    expect(tree.updateInventory('node1', { VCPU: { total: 8, reserved: undefined } })).toBe(false);
    expect(tree.get('node1').generation).toBe(1);
  });

  it('detects a change in any field, and added or removed classes', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: FULL, MEMORY_MB: { total: 1024 } });
    const changes = [
      { total: 9 },
      { reserved: 1 },
      { minUnit: 2 },
      { maxUnit: 4 },
      { stepSize: 2 },
      { allocationRatio: 16.0 },
    ];
    let generation = tree.get('node1').generation;
    for (const change of changes) {
      expect(tree.hasInventoryChanged('node1', { VCPU: { ...FULL, ...change }, MEMORY_MB: { total: 1024 } })).toBe(
        true,
      );
      expect(tree.updateInventory('node1', { VCPU: { ...FULL, ...change }, MEMORY_MB: { total: 1024 } })).toBe(true);
      expect(tree.get('node1').generation).toBe(++generation);
      tree.updateInventory('node1', { VCPU: FULL, MEMORY_MB: { total: 1024 } });
      generation++;
    }
    expect(tree.updateInventory('node1', { VCPU: FULL })).toBe(true);
    expect(Object.keys(tree.get('node1').inventory)).toEqual(['VCPU']);
    expect(tree.updateInventory('node1', { VCPU: FULL, DISK_GB: { total: 100 }, CUSTOM_FPGA: { total: 2 } })).toBe(
      true,
    );
    expect(Object.keys(tree.get('node1').inventory).sort()).toEqual(['CUSTOM_FPGA', 'DISK_GB', 'VCPU']);
    expect(tree.updateInventory('node1', {})).toBe(true);
    expect(tree.get('node1').inventory).toEqual({});
    expect(tree.updateInventory('node1', {})).toBe(false);
  });

  it('defaults maxUnit to total, and to minUnit when total is smaller', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 0 }, PCPU: { total: 2, minUnit: 4 } });
    expect(tree.get('node1').inventory['VCPU']).toMatchObject({ total: 0, maxUnit: 1 });
    expect(tree.get('node1').inventory['PCPU']).toMatchObject({ maxUnit: 4 });
    expect(tree.updateInventory('node1', { VCPU: { total: 0 }, PCPU: { total: 2, minUnit: 4 } })).toBe(false);
  });

  it("does not keep a reference to the caller's objects", () => {
    const tree = sampleTree();
    const input = { VCPU: { total: 8 } };
    tree.updateInventory('node1', input);
    input.VCPU.total = 99;
    expect(tree.get('node1').inventory['VCPU']!.total).toBe(8);
  });

  it.each([
    ['non-object inventory', null, 'inventory'],
    ['array inventory', [], 'inventory'],
    ['lower-case class', { vcpu: { total: 1 } }, 'inventory.vcpu'],
    ['class with a dash', { 'CUSTOM-X': { total: 1 } }, 'inventory.CUSTOM-X'],
    ['record not an object', { VCPU: 4 }, 'inventory.VCPU'],
    ['missing total', { VCPU: {} }, 'inventory.VCPU.total'],
    ['negative total', { VCPU: { total: -1 } }, 'inventory.VCPU.total'],
    ['fractional total', { VCPU: { total: 1.5 } }, 'inventory.VCPU.total'],
    ['string total', { VCPU: { total: '8' } }, 'inventory.VCPU.total'],
    ['huge total', { VCPU: { total: 2 ** 31 } }, 'inventory.VCPU.total'],
    ['negative reserved', { VCPU: { total: 8, reserved: -1 } }, 'inventory.VCPU.reserved'],
    ['reserved above total', { VCPU: { total: 8, reserved: 9 } }, 'inventory.VCPU.reserved'],
    ['minUnit 0', { VCPU: { total: 8, minUnit: 0 } }, 'inventory.VCPU.minUnit'],
    ['maxUnit below minUnit', { VCPU: { total: 8, minUnit: 4, maxUnit: 2 } }, 'inventory.VCPU.maxUnit'],
    ['stepSize 0', { VCPU: { total: 8, stepSize: 0 } }, 'inventory.VCPU.stepSize'],
    ['allocationRatio 0', { VCPU: { total: 8, allocationRatio: 0 } }, 'inventory.VCPU.allocationRatio'],
    ['negative allocationRatio', { VCPU: { total: 8, allocationRatio: -1 } }, 'inventory.VCPU.allocationRatio'],
    ['NaN allocationRatio', { VCPU: { total: 8, allocationRatio: NaN } }, 'inventory.VCPU.allocationRatio'],
    ['infinite allocationRatio', { VCPU: { total: 8, allocationRatio: Infinity } }, 'inventory.VCPU.allocationRatio'],
    ['snake_case field', { VCPU: { total: 8, max_unit: 8 } }, 'inventory.VCPU.max_unit'],
    ['null field', { VCPU: { total: 8, reserved: null } }, 'inventory.VCPU.reserved'],
  ])('refuses %s with VALIDATION_FAILED and changes nothing', (_label, inventory, path) => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 8 } });
    const error = errorOf(() => tree.updateInventory('node1', inventory as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.paths).toContain(path);
    expect(tree.get('node1').inventory).toEqual({ VCPU: FULL });
    expect(tree.get('node1').generation).toBe(1);
    expect(codeOf(() => tree.hasInventoryChanged('node1', inventory as never))).toBe('VALIDATION_FAILED');
  });

  it('refuses an unknown field even when the known ones are unchanged', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 8 } });
    expect(codeOf(() => tree.updateInventory('node1', { VCPU: { total: 8, foo: 1 } as never }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('reports every bad field at once', () => {
    const error = errorOf(() =>
      sampleTree().updateInventory('node1', {
        VCPU: { total: -1 },
        vcpu: { total: 1 },
        DISK_GB: { total: 1, stepSize: 0 },
      }),
    );
    expect(error.paths).toEqual(
      expect.arrayContaining(['inventory.VCPU.total', 'inventory.vcpu', 'inventory.DISK_GB.stepSize']),
    );
  });

  it('checks the generation: a stale one is CONFLICT and changes nothing', () => {
    const tree = sampleTree();
    expect(tree.updateInventory('node1', { VCPU: { total: 8 } }, 0)).toBe(true);
    const error = errorOf(() => tree.updateInventory('node1', { VCPU: { total: 16 } }, 0));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('CONFLICT');
    expect(tree.get('node1').inventory['VCPU']!.total).toBe(8);
    // a stale generation is refused even when nothing would change
    expect(codeOf(() => tree.updateInventory('node1', { VCPU: { total: 8 } }, 0))).toBe('CONFLICT');
    expect(tree.updateInventory('node1', { VCPU: { total: 16 } }, 1)).toBe(true);
    expect(tree.get('node1').generation).toBe(2);
    expect(codeOf(() => tree.updateInventory('node1', { VCPU: { total: 16 } }, -1))).toBe('VALIDATION_FAILED');
  });

  it('keeps inventories per provider', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 8 } });
    tree.updateInventory('node1_gpu0', { VGPU: { total: 4 } });
    expect(tree.get('node1').inventory).toEqual({ VCPU: FULL });
    expect(Object.keys(tree.get('node1_gpu0').inventory)).toEqual(['VGPU']);
    expect(tree.get('node2').inventory).toEqual({});
  });
});

describe('normalizeInventory', () => {
  it('returns a frozen normalised copy', () => {
    const inv = normalizeInventory({ MEMORY_MB: { total: 2048, reserved: 512, allocationRatio: 1.5 } });
    expect(inv).toEqual({
      MEMORY_MB: { total: 2048, reserved: 512, minUnit: 1, maxUnit: 2048, stepSize: 1, allocationRatio: 1.5 },
    });
    expect(Object.isFrozen(inv)).toBe(true);
    expect(Object.isFrozen(inv['MEMORY_MB'])).toBe(true);
  });

  it('names the operation and throws VALIDATION_FAILED on bad input', () => {
    const error = errorOf(() => normalizeInventory({ VCPU: { total: -2 } }, 'getInventory'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('getInventory');
    expect(normalizeInventory({})).toEqual({});
  });
});

describe('ProviderTree traits', () => {
  it('adds, removes, replaces and reports changes', () => {
    const tree = sampleTree();
    expect(tree.addTraits('node1', ['HW_CPU_X86_AVX2', 'CUSTOM_GOLD'])).toBe(true);
    expect(tree.addTraits('node1', ['HW_CPU_X86_AVX2'])).toBe(false);
    expect(tree.hasTraits('node1', ['HW_CPU_X86_AVX2'])).toBe(true);
    expect(tree.hasTraits('node1', ['HW_CPU_X86_AVX2', 'CUSTOM_SILVER'])).toBe(false);
    expect(tree.hasTraits('node1', [])).toBe(true);
    expect(tree.haveTraitsChanged('node1', ['CUSTOM_GOLD', 'HW_CPU_X86_AVX2'])).toBe(false);
    expect(tree.haveTraitsChanged('node1', ['CUSTOM_GOLD'])).toBe(true);
    expect(tree.removeTraits('node1', ['CUSTOM_GOLD', 'ABSENT'])).toBe(true);
    expect(tree.removeTraits('node1', ['CUSTOM_GOLD'])).toBe(false);
    expect(tree.updateTraits('node1', ['A', 'B'])).toBe(true);
    expect(tree.updateTraits('node1', new Set(['B', 'A']))).toBe(false);
    expect(tree.get('node1').traits).toEqual(['A', 'B']);
    expect(tree.get('node1').generation).toBe(3);
    expect(tree.updateTraits('node1', [])).toBe(true);
    expect(tree.get('node1').traits).toEqual([]);
  });

  it('treats a single string as one trait name and deduplicates', () => {
    const tree = sampleTree();
    tree.addTraits('node1', 'CUSTOM_GOLD');
    expect(tree.get('node1').traits).toEqual(['CUSTOM_GOLD']);
    tree.updateTraits('node1', ['X', 'X', 'Y']);
    expect(tree.get('node1').traits).toEqual(['X', 'Y']);
  });

  it('refuses malformed names with VALIDATION_FAILED and changes nothing', () => {
    const tree = sampleTree();
    tree.addTraits('node1', ['GOOD']);
    for (const bad of [['lower'], ['HAS SPACE'], [''], [42], ['X'.repeat(256)]] as never[]) {
      expect(codeOf(() => tree.addTraits('node1', bad))).toBe('VALIDATION_FAILED');
      expect(codeOf(() => tree.updateTraits('node1', bad))).toBe('VALIDATION_FAILED');
      expect(codeOf(() => tree.removeTraits('node1', bad))).toBe('VALIDATION_FAILED');
      expect(codeOf(() => tree.hasTraits('node1', bad))).toBe('VALIDATION_FAILED');
      expect(codeOf(() => tree.haveTraitsChanged('node1', bad))).toBe('VALIDATION_FAILED');
    }
    expect(codeOf(() => tree.addTraits('node1', 42 as never))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.addTraits('node1', null as never))).toBe('VALIDATION_FAILED');
    expect(tree.get('node1')).toMatchObject({ traits: ['GOOD'], generation: 1 });
  });

  it('checks the generation', () => {
    const tree = sampleTree();
    expect(codeOf(() => tree.addTraits('node1', ['A'], 3))).toBe('CONFLICT');
    expect(tree.addTraits('node1', ['A'], 0)).toBe(true);
    expect(codeOf(() => tree.removeTraits('node1', ['A'], 0))).toBe('CONFLICT');
    expect(codeOf(() => tree.updateTraits('node1', ['B'], 0))).toBe('CONFLICT');
    expect(tree.get('node1').traits).toEqual(['A']);
    expect(tree.updateTraits('node1', ['B'], 1)).toBe(true);
    expect(tree.removeTraits('node1', ['B'], 2)).toBe(true);
  });
});

describe('ProviderTree aggregates', () => {
  it('adds, removes, replaces and reports changes', () => {
    const tree = sampleTree();
    expect(tree.addAggregates('node1', [AGG1])).toBe(true);
    expect(tree.addAggregates('node1', [AGG1.toUpperCase()])).toBe(false);
    expect(tree.inAggregates('node1', [AGG1])).toBe(true);
    expect(tree.inAggregates('node1', [AGG1, AGG2])).toBe(false);
    expect(tree.haveAggregatesChanged('node1', [AGG1])).toBe(false);
    expect(tree.haveAggregatesChanged('node1', [AGG1, AGG2])).toBe(true);
    expect(tree.updateAggregates('node1', [AGG1, AGG2])).toBe(true);
    expect(tree.updateAggregates('node1', [AGG2, AGG1])).toBe(false);
    expect(tree.removeAggregates('node1', [AGG2])).toBe(true);
    expect(tree.removeAggregates('node1', [AGG2])).toBe(false);
    expect(tree.get('node1')).toMatchObject({ aggregates: [AGG1], generation: 3 });
  });

  it('refuses malformed uuids with VALIDATION_FAILED and checks the generation', () => {
    const tree = sampleTree();
    expect(codeOf(() => tree.addAggregates('node1', ['not-a-uuid']))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.updateAggregates('node1', [42 as never]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.removeAggregates('node1', ['x']))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.inAggregates('node1', ['x']))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.haveAggregatesChanged('node1', ['x']))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.addAggregates('node1', [AGG1], 5))).toBe('CONFLICT');
    expect(tree.get('node1')).toMatchObject({ aggregates: [], generation: 0 });
    expect(tree.addAggregates('node1', [AGG1], 0)).toBe(true);
    expect(codeOf(() => tree.updateAggregates('node1', [AGG2], 0))).toBe('CONFLICT');
    expect(codeOf(() => tree.removeAggregates('node1', [AGG1], 0))).toBe('CONFLICT');
  });
});

describe('ProviderTree.populateFromIterable', () => {
  const A = '55555555-5555-4555-8555-555555555555';
  const B = '66666666-6666-4666-8666-666666666666';
  const C = '77777777-7777-4777-8777-777777777777';

  it('adds providers in any order, children before parents included', () => {
    const tree = new ProviderTree();
    tree.populateFromIterable([
      { uuid: C, name: 'c', parentUuid: B },
      { uuid: B, name: 'b', parentUuid: A, generation: 4, traits: ['CUSTOM_X'], aggregates: [AGG1] },
      { uuid: A, name: 'a', inventory: { VCPU: { total: 8 } } },
    ]);
    expect(tree.getProviderUuids()).toEqual([A, B, C]);
    expect(tree.get('b')).toMatchObject({ generation: 4, parentUuid: A, traits: ['CUSTOM_X'], aggregates: [AGG1] });
    expect(tree.get('a').inventory).toEqual({ VCPU: FULL });
    expect(tree.get('c').rootUuid).toBe(A);
  });

  it('accepts parents already in the tree and takes any iterable', () => {
    const tree = sampleTree();
    function* batch(): Generator<ProviderInput> {
      yield { uuid: A, name: 'a', parentUuid: GRANDCHILD };
    }
    tree.populateFromIterable(batch());
    expect(tree.get('a').rootUuid).toBe(ROOT);
    tree.populateFromIterable([]);
    expect(tree.size).toBe(5);
  });

  it('rejects orphans and leaves the tree unchanged', () => {
    const tree = sampleTree();
    const before = tree.getProviderUuids();
    const error = errorOf(() =>
      tree.populateFromIterable([
        { uuid: A, name: 'a', parentUuid: ROOT },
        { uuid: B, name: 'b', parentUuid: C },
      ]),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('NOT_FOUND');
    expect(tree.getProviderUuids()).toEqual(before);
    expect(tree.exists(A)).toBe(false);
  });

  it('replaces providers already in the tree, dropping descendants the batch does not list', () => {
    const tree = sampleTree();
    tree.updateInventory('node1', { VCPU: { total: 8 } });
    tree.populateFromIterable([{ uuid: ROOT, name: 'node1-renamed', generation: 9 }]);
    expect(tree.get(ROOT)).toMatchObject({ name: 'node1-renamed', generation: 9, inventory: {}, childUuids: [] });
    expect(tree.exists('node1')).toBe(false);
    expect(tree.exists(CHILD)).toBe(false);
    expect(tree.exists(GRANDCHILD)).toBe(false);
  });

  it('keeps children the batch lists again when replacing their parent', () => {
    const tree = sampleTree();
    tree.populateFromIterable([
      { uuid: CHILD, name: 'node1_numa0', parentUuid: ROOT },
      { uuid: ROOT, name: 'node1', generation: 2 },
    ]);
    expect(tree.getProviderUuids('node1')).toEqual([ROOT, CHILD]);
    expect(tree.get(ROOT).generation).toBe(2);
  });

  it('is all or nothing: a child of a dropped provider fails the whole batch', () => {
    const tree = sampleTree();
    const before = tree.getProviderUuids();
    // replacing ROOT drops CHILD, so A's parent is gone by the time A is added
    expect(
      codeOf(() =>
        tree.populateFromIterable([
          { uuid: ROOT, name: 'node1' },
          { uuid: A, name: 'a', parentUuid: CHILD },
        ]),
      ),
    ).toBe('NOT_FOUND');
    expect(tree.getProviderUuids()).toEqual(before);
  });

  it('refuses a taken name with CONFLICT and leaves the tree unchanged', () => {
    const tree = sampleTree();
    expect(
      errorOf(() =>
        tree.populateFromIterable([
          { uuid: A, name: 'fresh' },
          { uuid: B, name: 'node2' },
        ]),
      ),
    ).toBeInstanceOf(ConflictError);
    expect(tree.exists(A)).toBe(false);
    expect(tree.size).toBe(4);
  });

  it('refuses bad entries, duplicates and cycles with VALIDATION_FAILED', () => {
    const tree = sampleTree();
    const bad = errorOf(() =>
      tree.populateFromIterable([
        { uuid: A, name: 'a' },
        { uuid: B, name: 'b', inventory: { VCPU: { total: -1 } } },
      ]),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.paths).toEqual(['[1].inventory.VCPU.total']);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: 'x', name: 'a' }])).paths).toEqual(['[0].uuid']);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: A, name: '' }])).paths).toEqual(['[0].name']);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: A, name: 'a', generation: -1 }])).paths).toEqual([
      '[0].generation',
    ]);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: A, name: 'a', parentUuid: 'x' }])).paths).toEqual([
      '[0].parentUuid',
    ]);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: A, name: 'a', traits: ['bad'] }])).paths).toEqual([
      '[0].traits[0]',
    ]);
    expect(errorOf(() => tree.populateFromIterable([{ uuid: A, name: 'a', aggregates: ['bad'] }])).paths).toEqual([
      '[0].aggregates[0]',
    ]);
    expect(errorOf(() => tree.populateFromIterable([null as never])).paths).toEqual(['[0]']);
    expect(
      codeOf(() =>
        tree.populateFromIterable([
          { uuid: A, name: 'a' },
          { uuid: A, name: 'b' },
        ]),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      codeOf(() =>
        tree.populateFromIterable([
          { uuid: A, name: 'a', parentUuid: B },
          { uuid: B, name: 'b', parentUuid: A },
        ]),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.populateFromIterable([{ uuid: A, name: 'a', parentUuid: A }]))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => tree.populateFromIterable(42 as never))).toBe('VALIDATION_FAILED');
    expect(tree.size).toBe(4);
  });

  it('loads provider data read from another tree', () => {
    const source = sampleTree();
    source.updateInventory('node1_gpu0', { VGPU: { total: 4 } });
    source.addTraits('node1', ['CUSTOM_GOLD']);
    const target = new ProviderTree();
    target.populateFromIterable(source.getProviderUuids().map((u) => source.get(u)));
    expect(target.getProviderUuids().map((u) => target.get(u))).toEqual(
      source.getProviderUuids().map((u) => source.get(u)),
    );
  });
});

describe('ProviderTree copies', () => {
  it('copy() and snapshot() are independent deep copies', () => {
    for (const take of [(t: ProviderTree) => t.copy(), (t: ProviderTree) => t.snapshot()]) {
      const tree = sampleTree();
      tree.updateInventory('node1', { VCPU: { total: 8 } });
      tree.addTraits('node1', ['A']);
      tree.addAggregates('node1', [AGG1]);
      const copy = take(tree);
      expect(copy).toBeInstanceOf(ProviderTree);
      expect(copy.getProviderUuids().map((u) => copy.get(u))).toEqual(tree.getProviderUuids().map((u) => tree.get(u)));

      tree.updateInventory('node1', { VCPU: { total: 16 } });
      tree.addTraits('node1', ['B']);
      tree.remove('node1_numa0');
      copy.addAggregates('node1', [AGG2]);
      copy.newChild('extra', 'node2');

      expect(copy.get('node1')).toMatchObject({ traits: ['A'], inventory: { VCPU: FULL }, aggregates: [AGG1, AGG2] });
      expect(copy.exists('node1_gpu0')).toBe(true);
      expect(tree.exists('extra')).toBe(false);
      expect(tree.get('node1').aggregates).toEqual([AGG1]);
    }
  });

  it('recognises provider trees, also from another copy of core', () => {
    expect(ProviderTree.isProviderTree(new ProviderTree())).toBe(true);
    expect(ProviderTree.isProviderTree({ [Symbol.for('virtkit.providerTree')]: true })).toBe(true);
    expect(ProviderTree.isProviderTree({})).toBe(false);
    expect(ProviderTree.isProviderTree(null)).toBe(false);
    expect(ProviderTree.isProviderTree('tree')).toBe(false);
  });
});

// Speed is measured in bench/ (providerTree.update10k), never asserted here.
describe('ProviderTree at scale', () => {
  const N = 10_000;

  it('detects changes correctly across 10,000 providers', () => {
    const tree = new ProviderTree();
    tree.newRoot('root', ROOT);
    const uuids = Array.from({ length: N }, (_, i) => tree.newChild(`p${i}`, 'root'));
    const inventory = (flip: number, i: number) => ({
      VCPU: { total: 8 + flip, allocationRatio: 4 },
      MEMORY_MB: { total: 16384 + i, reserved: 512 },
      DISK_GB: { total: 100 },
    });
    expect(uuids.every((u, i) => tree.updateInventory(u, inventory(0, i)))).toBe(true);
    expect(uuids.some((u, i) => tree.updateInventory(u, inventory(0, i)))).toBe(false);
    expect(uuids.filter((u, i) => tree.updateInventory(u, inventory(i % 2, i))).length).toBe(N / 2);
    expect(tree.get(uuids[1]!).inventory['VCPU']!.total).toBe(9);
    expect(tree.get(uuids[0]!).inventory['VCPU']!.total).toBe(8);
  });
});
