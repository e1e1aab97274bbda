"""The adapter as Nova loads it: ``compute_driver = virtkit.VirtkitDriver``.

Nova imports ``'nova.virt.' + CONF.compute_driver`` and nothing else, so an
out-of-tree driver has to be reachable inside the ``nova.virt`` package. This
module is that entry: ``python3 -m nova_virtkit.shim install`` copies it into
``nova/virt/virtkit/`` (or ``nova_virtkit.shim.extend_nova_virt()`` adds its
directory to ``nova.virt.__path__`` in-process, which the test runners use).
"""
from nova_virtkit.driver import VirtkitDriver  # noqa: F401

__all__ = ['VirtkitDriver']
