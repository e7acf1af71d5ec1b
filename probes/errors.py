"""Exceptions of the ``probes`` package.

Hierarchy::

    ProbeError (ValueError)      root: a probe, family, selector or chain is unknown or malformed
    ├── UnknownProbe             a name matches no registered probe or family (the message suggests one)
    └── ChainSyntaxError         a chain name cannot be parsed back into steps

Probes never raise for inputs they do not apply to: they simply yield no variant.
"""

from __future__ import annotations

__all__ = ["ChainSyntaxError", "ProbeError", "UnknownProbe"]


class ProbeError(ValueError):
    """Root of the exceptions the ``probes`` package raises on purpose."""


class UnknownProbe(ProbeError):
    """A selector or chain names a probe or family that is not registered."""


class ChainSyntaxError(ProbeError):
    """A chain name is not of the form ``probe(k=v,...) > probe ...``."""
