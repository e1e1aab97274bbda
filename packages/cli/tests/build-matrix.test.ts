import { CAPABILITY_NAMES, FAMILIES } from '@virtkit/core';
import {
  buildMatrix,
  renderMatrixHtml,
  renderMatrixMarkdown,
  type MatrixRow,
  type SupportMatrix,
} from '../src/index.js';
import { fakeMap, fakeReport, result } from './helpers/synthetic.js';

function row(matrix: SupportMatrix, name: string): MatrixRow {
  const found = matrix.families.flatMap((f) => f.capabilities).find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

describe('buildMatrix', () => {
  const map = fakeMap('acme', ['lifecycle', 'lifecycle.pause', 'volume', 'console.vnc'], {
    multiattach: 'supported',
    taggedVolumeAttach: 'unknown',
  });

  it('has a core family, then every family, and one row per capability', () => {
    const matrix = buildMatrix([{ map }], { generatedAt: new Date('2024-01-02T03:04:05Z') });
    expect(matrix.generatedAt).toBe('2024-01-02T03:04:05.000Z');
    expect(matrix.verified).toBe(false);
    expect(matrix.drivers).toEqual([{ name: 'acme', version: '9.9.9' }]);
    expect(matrix.families.map((f) => f.family)).toEqual(['core', ...FAMILIES]);
    expect(matrix.families.flatMap((f) => f.capabilities).map((r) => r.name)).toEqual(['core', ...CAPABILITY_NAMES]);
  });

  it('gives each row its status and reference calls', () => {
    const matrix = buildMatrix([{ map }]);
    expect(row(matrix, 'core').status).toBe('mandatory');
    expect(row(matrix, 'lifecycle').status).toBe('mandatory');
    expect(row(matrix, 'console.spice').status).toBe('choice');
    expect(row(matrix, 'console.output').status).toBe('optional');
    expect(row(matrix, 'console.vnc').referenceCalls).toEqual(['get_vnc_console']);
    expect(row(matrix, 'core').referenceCalls).not.toContain('need_legacy_block_device_info');
  });

  it('without reports: advertised is complete, the rest missing; notes name calls and features', () => {
    const matrix = buildMatrix([{ map }]);
    expect(row(matrix, 'volume').cells.acme).toEqual({
      state: 'complete',
      note: expect.stringContaining('features: multiattach=supported, taggedVolumeAttach=unknown'),
    });
    expect(row(matrix, 'volume').cells.acme!.note).toContain('covers attach_volume');
    expect(row(matrix, 'volume.swap').cells.acme!.state).toBe('missing');
    expect(row(matrix, 'console.spice').cells.acme!.note).not.toContain('console kind');
  });

  it('notes a mandatory capability or an empty console choice that is missing', () => {
    const matrix = buildMatrix([{ map: fakeMap('bare', []) }]);
    expect(row(matrix, 'lifecycle').cells.bare!.note).toContain('mandatory');
    expect(row(matrix, 'console.rdp').cells.bare!.note).toContain('offers no console kind');
  });

  it('with reports: complete, partial (naming failing tests), unknown (all skipped), missing', () => {
    const report = fakeReport(map, [
      result('core', 'c1', 'passed'),
      result('lifecycle', 'l1', 'passed'),
      result('lifecycle', 'l2', 'skipped', 'needs fixture createVolume'),
      result('lifecycle.pause', 'p1', 'passed'),
      result('lifecycle.pause', 'p2', 'failed', 'boom'),
      result('lifecycle.pause', 'p3', 'failed'),
      result('volume', 'v1', 'skipped', 'needs fixture createVolume'),
      result('volume.swap', 'not advertised: 1 call(s) answer NOT_SUPPORTED', 'failed', 'swapVolume resolved'),
    ]);
    const matrix = buildMatrix([{ map, report }]);
    expect(matrix.verified).toBe(true);
    expect(row(matrix, 'core').cells.acme!.state).toBe('complete');
    expect(row(matrix, 'lifecycle').cells.acme).toMatchObject({
      state: 'complete',
      note: expect.stringContaining('1 skipped (needs fixture createVolume)'),
    });
    expect(row(matrix, 'lifecycle.pause').cells.acme).toMatchObject({
      state: 'partial',
      note: expect.stringContaining('2 of 3 kit tests failed: p2; p3'),
    });
    expect(row(matrix, 'volume').cells.acme).toMatchObject({
      state: 'unknown',
      note: expect.stringContaining('all 1 kit tests were skipped'),
    });
    expect(row(matrix, 'volume.swap').cells.acme).toMatchObject({
      state: 'missing',
      note: expect.stringContaining('swapVolume resolved'),
    });
    expect(row(matrix, 'console.vnc').cells.acme!.state).toBe('unknown');
  });

  it('keeps two drivers of the same name apart', () => {
    const matrix = buildMatrix([{ map }, { map }]);
    expect(matrix.drivers.map((d) => d.name)).toEqual(['acme', 'acme (2)']);
    expect(Object.keys(row(matrix, 'lifecycle').cells)).toEqual(['acme', 'acme (2)']);
  });

  it('never gives two columns the same key, even when a driver is named like a suffixed key', () => {
    const a = fakeMap('a', ['lifecycle']);
    const a2 = fakeMap('a (2)', []);
    const matrix = buildMatrix([{ map: a }, { map: a }, { map: a2 }, { map: a }, { map: a2 }]);
    const keys = matrix.drivers.map((d) => d.name);
    expect(keys).toEqual(['a', 'a (3)', 'a (2)', 'a (4)', 'a (2) (2)']);
    expect(new Set(keys).size).toBe(keys.length);
    const cells = row(matrix, 'lifecycle').cells;
    expect(Object.keys(cells)).toEqual(keys);
    // every column shows its own driver's data
    expect(cells['a (2)']?.state).toBe('missing');
    expect(cells['a (3)']?.state).toBe('complete');
    expect(cells['a (2) (2)']?.state).toBe('missing');
  });
});

describe('matrix renderers', () => {
  const evil = fakeMap('<img src=x onerror="alert(1)">&', ['lifecycle']);
  const matrix = buildMatrix([{ map: evil }]);

  it('HTML escapes every text it embeds', () => {
    const html = renderMatrixHtml(matrix);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;');
  });

  it('HTML is self-contained and has the test hooks', () => {
    const html = renderMatrixHtml(buildMatrix([{ map: fakeMap('acme', ['lifecycle']) }]));
    expect(html).not.toMatch(/<(link|img)\b|\bsrc=|https?:\/\//);
    expect(html).toContain('<tr data-family="lifecycle" data-capability="lifecycle">');
    expect(html).toMatch(/<td class="cell" data-state="complete" data-driver="acme" title="[^"]+">/);
    expect(html.match(/<tr data-family=/g)).toHaveLength(CAPABILITY_NAMES.length + 1);
  });

  it('Markdown escapes pipes and HTML in driver names', () => {
    const md = renderMatrixMarkdown(buildMatrix([{ map: fakeMap('a|b<c>', ['lifecycle']) }]));
    expect(md).toContain('a\\|b&lt;c&gt;');
    expect(md).not.toContain('a|b');
  });
});
