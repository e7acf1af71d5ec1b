"""The ``replay`` backend: answers recorded in a previous run's store, for offline, free, deterministic CI.

Spec ``replay:RUN_DIR`` (or the store file itself). Each request is looked up by its content key
(:meth:`~judgeprobe.harness.core.request.JudgeRequest.content_key`: question, reference, response texts,
presentation, draw index; the judge excluded). Replay is therefore *not* body-blind: two different requests
never share an answer, and the Nth repeat of a request replays the Nth recorded draw.

Strict by default: a request with no recording is an error of kind ``not_recorded`` (so a CI run notices
that its recording is stale). ``replay:RUN_DIR?strict=0`` or ``params = {strict = false}`` in TOML makes it
lenient: unrecorded requests are unscored with a reason. ``?judge=HASH`` (or ``params.judge``) replays only
the draws of one judge configuration when the store holds several.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.derived import is_derived_unit

__all__ = ["ReplayJudge"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(value: Any, *, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"replay option {name}={value!r} is not a yes/no value; use {name}=1 or {name}=0")


class ReplayJudge(Judge):
    """Serves verdicts recorded in a run store.

    Args:
        config: ``target`` is the run folder (or store file), optionally followed by ``?strict=0`` and
            ``&judge=HASH``; ``params`` may hold ``strict`` and ``judge`` too.

    Raises:
        ConfigError: No store at the target, or an unknown option.
    """

    def __init__(self, config: JudgeConfig) -> None:
        target, _, query = config.target.partition("?")
        if not target:
            raise ConfigError("replay needs a run folder: replay:RUN_DIR (the folder of a previous run)")
        options: dict[str, Any] = dict(config.params)
        options.update(parse_qsl(query, keep_blank_values=True))
        unknown = sorted(set(options) - {"strict", "judge"})
        if unknown:
            raise ConfigError(f"unknown replay option(s) {', '.join(unknown)}; known: strict, judge")
        self.strict = _flag(options.get("strict", True), name="strict")
        """Unrecorded requests are errors (``True``) or unscored (``False``)."""
        judge = options.get("judge")
        self.judge_hash: str | None = str(judge) if judge else None
        """Replay only draws of this judge configuration (``None``: the latest recording of any)."""
        path = Path(target)
        self.path = store_path(path) if path.is_dir() else path
        """The store answers come from."""
        if not self.path.is_file():
            raise ConfigError(
                f"replay:{target}: no run store at {self.path}; point replay at the output folder of a run"
            )
        self._store: RunStore | None = None
        source = self._open().run_id
        self.source_run_id = source
        """Run id of the recorded store (part of the configuration hash, so moving the folder keeps it)."""
        identity = f"replay\x00{source}\x00{self.strict}\x00{self.judge_hash or ''}"
        self.config_hash = hashlib.sha256(identity.encode()).hexdigest()[:16]
        self.name = f"replay:{target}"

    def _open(self) -> RunStore:
        if self._store is None:
            self._store = RunStore(self.path, read_only=True)
        return self._store

    async def judge(self, request: JudgeRequest) -> Verdict:
        """The recorded verdict for ``request``, or an error (strict) / unscored (lenient) verdict."""
        recorded = self._open().lookup_request(request.content_key(), judge_hash=self.judge_hash)
        if recorded is not None:
            return replace(recorded, attempts=1, meta={**recorded.meta, "replayed_from": self.source_run_id})
        where = f"the run store {self.path}"
        if self.strict:
            return Verdict.error(
                ErrorKind.NOT_RECORDED,
                f"no recorded answer for this request in {where} (strict replay); record it with a live "
                "judge or use replay:RUN_DIR?strict=0 to leave unrecorded requests unscored",
            )
        return Verdict.unscored(f"no recorded answer for this request in {where} (lenient replay)")

    def derived_modes(self) -> frozenset[Mode]:
        """Modes of the units derived from grade cases that the recording holds (``judgeprobe run`` derives
        for these only, so a replay asks for what was recorded)."""
        return frozenset(v.mode for v in self._open().iter_variants() if is_derived_unit(v.unit_id))

    async def aclose(self) -> None:
        """Close the store (it is reopened if the judge is used again)."""
        if self._store is not None:
            self._store.close()
            self._store = None


@register_backend("replay", description="answers recorded in a previous run's store (strict by default)")
def _factory(config: JudgeConfig) -> Judge:
    return ReplayJudge(config)
