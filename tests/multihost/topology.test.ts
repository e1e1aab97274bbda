import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopology, listNetns, sweepLeftovers, topologyUnavailableReason, TOPOLOGY_SUBNET } from './topology.js';

describe('multi-host test topology (network namespaces)', () => {
  beforeAll(() => {
    const reason = topologyUnavailableReason();
    // never a silent skip: a machine without namespaces fails here, with the reason
    if (reason) throw new Error(`the multi-host tests cannot run here: ${reason}`);
  });

  it('builds hosts that reach each other over the switch, cuts and restores a link, and tears down to nothing', () => {
    const topo = createTopology(3);
    try {
      const [h1, h2, h3] = topo.hosts;
      expect(topo.hosts.map((h) => h.ip)).toEqual([1, 2, 3].map((i) => `${TOPOLOGY_SUBNET}.${i}`));
      expect(listNetns()).toEqual(expect.arrayContaining([topo.switchNetns, h1!.netns, h2!.netns, h3!.netns]));
      expect(topo.exec(h1!, 'ping', ['-c', '1', '-W', '2', h2!.ip])).toMatch(/1 received/);
      topo.setLink(h2!, 'down');
      expect(() => topo.exec(h1!, 'ping', ['-c', '1', '-W', '1', h2!.ip])).toThrow();
      topo.setLink(h2!, 'up');
      expect(topo.exec(h3!, 'ping', ['-c', '1', '-W', '2', h2!.ip])).toMatch(/1 received/);
      // nothing of the topology is in the machine's own namespace
      expect(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })).not.toMatch(/brvm|phost|ph1\b/);
      expect(existsSync(h1!.stateDir)).toBe(true);
    } finally {
      topo.destroy();
    }
    expect(listNetns().filter((n) => n.startsWith(topo.prefix))).toEqual([]);
    expect(existsSync(topo.hosts[0]!.stateDir)).toBe(false);
    topo.destroy(); // idempotent
  });

  it('sweeps what a killed run left (its pid is dead), and leaves live runs alone', () => {
    // a pid that certainly belonged to a process that has ended
    const deadPid = spawnSync('true').pid!;
    const stale = `vkt${deadPid}xdead-h1`;
    const live = `vkt${process.pid}xlive-h1`;
    execFileSync('ip', ['netns', 'add', stale]);
    execFileSync('ip', ['netns', 'add', live]);
    const staleDir = join(tmpdir(), `vkt${deadPid}xdead`);
    mkdirSync(staleDir, { recursive: true });
    try {
      const removed = sweepLeftovers();
      expect(removed).toEqual(expect.arrayContaining([stale, `vkt${deadPid}xdead`]));
      expect(listNetns()).not.toContain(stale);
      expect(existsSync(staleDir)).toBe(false);
      expect(listNetns()).toContain(live);
    } finally {
      execFileSync('ip', ['netns', 'del', live]);
      spawnSync('ip', ['netns', 'del', stale]);
    }
  });
});
