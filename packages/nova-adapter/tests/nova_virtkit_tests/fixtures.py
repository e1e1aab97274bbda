"""Test plumbing: fresh served memory hosts per test, and the 'does not implement' guard.

The serving process (scripts/nova/serve-memory-hosts.mjs, address in $VIRTKIT_NOVA_AGENT) serves the virtkit
test harness: OpenHost creates a fresh @virtkit/memory host on one shared fabric, CloseHost disposes it.
"""
import logging
import os

import fixtures

from nova_virtkit import client as vclient

NOT_IMPLEMENTED_LINE = 'does not implement'


def agent_address():
    address = os.environ.get('VIRTKIT_NOVA_AGENT')
    if not address:
        raise RuntimeError('VIRTKIT_NOVA_AGENT is not set: run through scripts/nova/run-nova-tests.mjs')
    return 'http://' + address if '://' not in address else address


class ServedHosts(fixtures.Fixture):
    """Opens served memory hosts named like Nova's compute hosts; closes them at cleanup."""

    def __init__(self):
        super(ServedHosts, self).__init__()
        self.ids = {}

    def _setUp(self):
        self.client = vclient.VirtkitClient(agent_address(), timeout=60)
        self.addCleanup(self._close_all)

    def open(self, hostname):
        if hostname not in self.ids:
            self.ids[hostname] = self.client.open_host(hostname)
        return self.ids[hostname]

    def mirror_glance(self, glance_fixture_class):
        """Every image created in Nova's Glance fixture is registered in the served hosts' image store."""
        original = glance_fixture_class.create
        client = self.client

        def create(glance, context, image_meta, data=None):
            image = original(glance, context, image_meta, data)
            client.run_fixture('registerImage', str(image['id']))
            return image

        self.useFixture(fixtures.MonkeyPatch(
            glance_fixture_class.__module__ + '.' + glance_fixture_class.__name__ + '.create', create))

    def _close_all(self):
        for host_id in self.ids.values():
            try:
                self.client.close_host(host_id)
            except vclient.RemoteError:
                pass
        self.ids.clear()


class NotImplementedGuard(logging.Handler):
    """Records every log line saying a driver 'does not implement' a call (Nova's swallowed NotImplementedError)."""

    def __init__(self):
        super(NotImplementedGuard, self).__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        if NOT_IMPLEMENTED_LINE in message:
            self.lines.append(message)
