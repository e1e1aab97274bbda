"""The reference's side of vs_reference.memory.*: Nova's own in-memory driver (nova.virt.fake.FakeDriver), called bare.

Run by bench/figures/vs-reference.mjs with Debian's /usr/bin/python3 (python3-nova). Line protocol on stdin/stdout:
the node side writes "<n>\n" for one round at n instances; this prints one JSON line of per-op times (ns per call;
listInstances in ns per call too). Instances and their network_info are built before the clock starts, like the
node side's requests, so only the driver calls are timed. Instances are nova.objects.Instance with a
nova.objects.Flavor, the type the contract hands every driver (plain attribute objects would make the reference's
attribute reads ~3x cheaper; no driver is ever called with those).
"""
import json
import sys
import time
import uuid as uuidlib

from nova import objects
from nova.network import model as net
from nova.virt import fake

objects.register_all()
FLAVOR = objects.Flavor(name='m1.tiny', vcpus=1, memory_mb=64, root_gb=1, ephemeral_gb=0, swap=0)
IMAGE = objects.ImageMeta.from_dict({'id': '155d900f-4e14-4e4c-a73d-069cbf4541e6', 'disk_format': 'qcow2'})


def vif(i):
    """One interface with two subnets (IPv4 and IPv6), one fixed address in each."""
    v4 = net.Subnet(cidr='10.0.0.0/16', gateway=net.IP(address='10.0.0.1', type='gateway'),
                    ips=[net.FixedIP(address='10.0.%d.%d' % ((i >> 8) & 255, i & 255))])
    v6 = net.Subnet(cidr='fd00::/64', gateway=net.IP(address='fd00::1', type='gateway'),
                    ips=[net.FixedIP(address='fd00::%x:%x' % ((i >> 16) + 1, i & 0xffff))])
    network = net.Network(id='net-1', bridge='br-int', label='private', subnets=[v4, v6])
    mac = '52:54:00:%02x:%02x:%02x' % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
    return net.NetworkInfo([net.VIF(id='port-%d' % i, address=mac, network=network, type='ovs')])


def instances(n, prefix):
    # id and vm_state: what Instance.name needs (instance-<id hex>) without a database behind it.
    return [objects.Instance(id=i + 1, uuid=str(uuidlib.uuid4()), display_name='%s-%d' % (prefix, i), vm_state='active',
                             flavor=FLAVOR) for i in range(n)]


def scattered(n):
    """The same visiting order as the node side: a stride through all n."""
    order, i = [], 0
    for _ in range(n):
        i = (i + 7919) % n
        order.append(i)
    return order


def timed(fn):
    # CPU time, like the node side: wall time on a shared machine measures the other processes' load.
    t = time.process_time_ns()
    fn()
    return time.process_time_ns() - t


REPEAT_UNTIL = 20000  # as in vs-reference.mjs: small sizes repeat their phases on fresh drivers, the mean is taken


def one_round(n, cache):
    reps = max(1, REPEAT_UNTIL // n)
    total = {}
    for _ in range(reps):
        for op, ns in one_pass(n, cache).items():
            total[op] = total.get(op, 0) + ns / reps
    return total


def one_pass(n, cache):
    if n not in cache:
        cache.clear()
        cache[n] = (instances(n, 'vm'), [vif(i) for i in range(n)], instances(n, 'bare'), scattered(n))
    insts, nets, bare, order = cache[n]
    d = fake.FakeDriver(None)
    ctx = None
    out = {}

    def spawn():
        for i in range(n):
            d.spawn(ctx, insts[i], IMAGE, [], None, None, network_info=nets[i])
    out['spawn'] = timed(spawn) / n

    def get_info():
        for i in order:
            d.get_info(insts[i])
    out['getInfo'] = timed(get_info) / n

    def power_off():
        for i in order:
            d.power_off(insts[i])
    out['powerOff'] = timed(power_off) / n

    def power_on():
        for i in order:
            d.power_on(ctx, insts[i], nets[i])
    out['powerOn'] = timed(power_on) / n

    calls = 200 if n <= 1000 else 10

    def list_instances():
        for _ in range(calls):
            d.list_instances()
    out['listInstances'] = timed(list_instances) / calls

    def destroy():
        for i in order:
            d.destroy(ctx, insts[i], nets[i])
    out['destroy'] = timed(destroy) / n

    def spawn_bare():
        for inst in bare:
            d.spawn(ctx, inst, IMAGE, [], None, None)
    out['spawnNoInterface'] = timed(spawn_bare) / n
    if len(d.instances) != n:
        raise SystemExit('spawn failed: %d instances, %d expected' % (len(d.instances), n))
    return out


def main():
    cache = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        print(json.dumps(one_round(int(line), cache)), flush=True)


if __name__ == '__main__':
    main()
