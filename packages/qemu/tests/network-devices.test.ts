import { ValidationError } from '@virtkit/core';
import { checkVifs } from '../src/capabilities/network/vifs.js';
import { inNetns } from '../src/network/ip-command.js';
import { tapNameFor } from '../src/network/tap-name.js';
import { resolveQemuConfig } from '../src/qemu-config.js';
import { netdevOf } from '../src/runtime/qemu-argv.js';

const vif = (type: string, extra: Record<string, unknown> = {}) =>
  ({
    id: 'b7c1e2d4-0000-4000-8000-000000000002',
    address: '52:54:00:00:00:01',
    type,
    network: { id: 'n', bridge: 'br0' },
    ...extra,
  }) as never;

describe('QEMU driver network devices (no root needed)', () => {
  it('names taps from devname, else from the VIF id within 15 bytes', () => {
    expect(tapNameFor({ id: 'x', devname: 'tap123' })).toBe('tap123');
    expect(tapNameFor({ id: 'b7c1e2d4-0000-4000-8000-000000000002' })).toBe('tapb7c1e2d40000');
    const odd = tapNameFor({ id: '---' });
    expect(odd).toMatch(/^tap[0-9a-f]{8}$/);
    expect(tapNameFor({ id: '---' })).not.toBe(tapNameFor({ id: '___' }));
  });

  it('accepts user, bridge (with a bridge) and tap VIFs; refuses the rest and duplicate devices', () => {
    expect(() =>
      checkVifs([vif('user'), vif('bridge', { devname: 'a' }), vif('tap', { devname: 'b', network: { id: 'n' } })]),
    ).not.toThrow();
    expect(() => checkVifs([vif('ovs')])).toThrow(ValidationError);
    expect(() => checkVifs([vif('bridge', { network: { id: 'n' } })])).toThrow(/names its bridge/);
    expect(() => checkVifs([vif('bridge', { devname: 'same' }), vif('tap', { devname: 'same' })])).toThrow(
      /share the host device same/,
    );
  });

  it('gives QEMU a tap netdev opened by name with no scripts, or user-mode networking', () => {
    expect(
      netdevOf({ vifId: 'v', mac: '52:54:00:00:00:01', index: 2, model: 'virtio', tap: 'tap0', bridge: 'br0' }),
    ).toEqual({ type: 'tap', id: 'net2', ifname: 'tap0', script: 'no', downscript: 'no' });
    expect(netdevOf({ vifId: 'v', mac: '52:54:00:00:00:01', index: 0, model: 'virtio' })).toEqual({
      type: 'user',
      id: 'net0',
    });
    expect(() =>
      netdevOf({ vifId: 'v', mac: '52:54:00:00:00:01', index: 0, model: 'virtio', tap: 'tap0,script=/x' }),
    ).toThrow(ValidationError);
  });

  it('runs QEMU in the configured namespace; validates netns and progressTimeoutSec', () => {
    expect(inNetns('h1', 'qemu-system-x86_64', ['-S'])).toEqual({
      binary: 'ip',
      args: ['netns', 'exec', 'h1', 'qemu-system-x86_64', '-S'],
    });
    expect(inNetns(undefined, 'qemu-system-x86_64', ['-S'])).toEqual({ binary: 'qemu-system-x86_64', args: ['-S'] });
    expect(resolveQemuConfig({ options: { netns: 'vkt1x2-h1', migration: { progressTimeoutSec: 5 } } })).toMatchObject({
      netns: 'vkt1x2-h1',
      migrationProgressTimeoutMs: 5000,
    });
    expect(resolveQemuConfig({}).migrationProgressTimeoutMs).toBe(60_000);
    for (const netns of ['../x', 'a b', '-n', '', 'x'.repeat(65)])
      expect(() => resolveQemuConfig({ options: { netns } })).toThrow(ValidationError);
    expect(() => resolveQemuConfig({ options: { migration: { progressTimeoutSec: 0 } } })).toThrow(ValidationError);
  });
});
