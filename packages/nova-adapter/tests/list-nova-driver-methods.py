"""Prints the public methods of the installed Nova's nova.virt.driver.ComputeDriver, one a line, sorted:
the name, then 'not-implemented' when the base class raises NotImplementedError, else 'default'.

tests/nova/nova-table.test.ts compares it with packages/nova-adapter/nova26-driver-methods.txt, the list the
generated table of docs/nova.md is made from.
"""
import inspect
import re

from nova.virt import driver


def main():
    for name, value in sorted(vars(driver.ComputeDriver).items()):
        if name.startswith('_') or not callable(value):
            continue
        kind = 'not-implemented' if re.search(r'raise NotImplementedError', inspect.getsource(value)) else 'default'
        print(name, kind)


if __name__ == '__main__':
    main()
