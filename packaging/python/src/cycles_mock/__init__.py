"""The `cycles` binary (Cycles reference server, mock and conformance kit), installed by pip.

The package holds no logic of its own: `cycles` on the PATH is a console script that replaces itself with the
binary shipped next to this file, so arguments, exit codes and signals are the binary's own.
"""

import os
import sys


def binary_path():
    """Absolute path of the bundled `cycles` executable."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "cycles")


def main():
    """Entry point of the `cycles` console script: exec the binary with the same arguments."""
    path = binary_path()
    os.execv(path, [path, *sys.argv[1:]])
