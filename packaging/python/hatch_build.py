"""Build-time only: puts the `cycles` binary into the wheel and tags the wheel for the platform it runs on.

scripts/package.sh sets CYCLES_BINARY (the stripped binary), CYCLES_VERSION (read from `cycles --version`) and
CYCLES_WHEEL_PLATFORM (e.g. linux_x86_64; auditwheel then retags it manylinux_…). The binary is native code, so
the wheel is not pure Python and must not be tagged `any`.
"""

import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: build this wheel with scripts/package.sh")
    return value


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata):
        metadata["version"] = _required("CYCLES_VERSION")


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        build_data["pure_python"] = False
        build_data["tag"] = "py3-none-" + _required("CYCLES_WHEEL_PLATFORM")
        build_data["force_include"][_required("CYCLES_BINARY")] = "cycles_mock/bin/cycles"
