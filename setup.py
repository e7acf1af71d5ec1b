"""Package layout: the top-level folders install under one distribution namespace.

``cases/`` becomes ``judgeprobe.cases``, ``probes/`` ``judgeprobe.probes`` and ``harness/``
``judgeprobe.harness``
(every sub-package found in them, mapped to its folder). Everything else is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

TOPS = ("cases", "probes", "harness")

packages = {
    f"judgeprobe.{name}": name.replace(".", "/")
    for name in find_packages(include=[f"{top}*" for top in TOPS])
    if name.split(".")[0] in TOPS
}

setup(packages=sorted(packages), package_dir=packages)
