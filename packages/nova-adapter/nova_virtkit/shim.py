"""Make the adapter loadable by Nova's ``load_compute_driver`` (``nova.virt.<name>`` only).

``python3 -m nova_virtkit.shim install`` writes ``nova/virt/virtkit/__init__.py``
(a one-line import of :class:`nova_virtkit.driver.VirtkitDriver`) into the
directory of the installed ``nova.virt`` package: the way out-of-tree drivers
(nova-powervm's ``powervm_ext``, nova-zvm, ...) become loadable. Then
``[DEFAULT] compute_driver = virtkit.VirtkitDriver``. ``uninstall`` removes it.
"""
import os
import shutil
import sys

SHIM_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'nova_virt_shim')
SHIM_SOURCE = "from nova_virtkit.driver import VirtkitDriver  # noqa: F401\n\n__all__ = ['VirtkitDriver']\n"


def extend_nova_virt():
    """Add the shim's directory to ``nova.virt.__path__`` of this process (no file written)."""
    import nova.virt
    if os.path.isdir(SHIM_DIR) and SHIM_DIR not in nova.virt.__path__:
        nova.virt.__path__.append(SHIM_DIR)


def _target():
    import nova.virt
    return os.path.join(nova.virt.__path__[0], 'virtkit')


def install():
    target = _target()
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, '__init__.py'), 'w') as f:
        f.write('"""virtkit: see the nova_virtkit package."""\n' + SHIM_SOURCE)
    return target


def uninstall():
    target = _target()
    if os.path.isdir(target):
        shutil.rmtree(target)
    return target


if __name__ == '__main__':
    action = sys.argv[1] if len(sys.argv) > 1 else ''
    if action not in ('install', 'uninstall'):
        sys.exit('usage: python3 -m nova_virtkit.shim install|uninstall')
    print((install if action == 'install' else uninstall)())
