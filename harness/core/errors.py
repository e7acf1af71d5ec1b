"""Exceptions of the ``harness`` package.

Hierarchy::

    HarnessError                 root of everything the harness raises on purpose
    ├── ConfigError (ValueError) a judge spec, TOML file, option or setting is invalid
    ├── BackendUnavailable       a backend needs an optional dependency that is not installed
    ├── StoreError               the run store is unreadable or belongs to another run
    ├── ReplayMissing            strict replay met a request that has no recording
    └── JudgeUnusable            the judge failed the same blocking way many calls in a row (a refused key,
                                 an unknown model, no server at the URL, invalid requests): the run stopped

Judge-side failures (timeouts, garbage replies) are *not* exceptions: they become unscored or error
verdicts (see ``judgeprobe.harness.core.verdict.Verdict``).
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "HarnessError",
    "JudgeUnusable",
    "ReplayMissing",
    "StoreError",
]


class HarnessError(Exception):
    """Root of the harness's own exceptions."""


class ConfigError(HarnessError, ValueError):
    """A judge spec, configuration file, command-line option or setting is invalid."""


class BackendUnavailable(HarnessError, ImportError):
    """A backend needs an optional dependency; the message says which ``pip install`` fixes it."""


class StoreError(HarnessError):
    """The run store cannot be used (corrupt, or written by an incompatible version)."""


class ReplayMissing(HarnessError, KeyError):
    """Strict replay: a request has no recorded answer."""


class JudgeUnusable(HarnessError):
    """The judge failed in a way retrying will not fix, call after call (authentication, an unknown model, a
    server that refuses connections, requests refused as invalid), so the run stopped early.

    The message carries the server's own reason (secrets redacted) and what to check. Finished draws are kept
    in the store; fixing the cause and rerunning the same command resumes the run.
    """
