"""Project settings: what to run, when the judge is unreliable, and the limits a gate holds a run to, from
``judgeprobe.toml`` or ``pyproject.toml``. Every command that runs a judge reads them (``run``, ``gate``,
``diff``, the pytest plugin); options on the command line override them.

The same tables are read from a ``judgeprobe.toml`` (top level) or from ``[tool.judgeprobe]`` in a
``pyproject.toml``::

    [run]                        # [tool.judgeprobe.run] in pyproject.toml
    judge = "judge.toml"         # judge spec or TOML file
    cases = ["cases"]            # extra case folders
    builtin_cases = false        # read the shipped library too
    modes = ["pairwise"]
    probes = "position,length"
    repeats = 1                  # with adaptive = true: the most draws per variant
    adaptive = false             # judgeprobe run: draw in rounds until each test is settled
    max_calls = 20000            # with adaptive: the most draws
    max_cost = 5.0               # in the judge's price currency ([judge.price])
    tpm = 200000                 # tokens per minute, beside rpm
    shard = "1/4"                # judgeprobe run: this part of the plan
    baseline = "judgeprobe-baseline.jsonl"
    out = "judgeprobe-out/ci"

    [reliability]                # when `judgeprobe run` calls the judge unreliable (and exits 1)
    max_control_miss_rate = 0.25
    min_accuracy = 0.6
    max_error_share = 0.1
    max_unscored_share = 0.1

    [gate]                       # [tool.judgeprobe.gate]
    max_excess_flip_rate = 0.05
    max_control_miss_rate = 0.25
    min_accuracy = 0.8
    max_unscored_share = 0.05
    max_error_share = 0.0
    noise_tolerance = 0.0

    [gate.max_excess_flip_rate_by_family]
    length = 0.10

Relative paths are read from the folder of the file that names them. Every value is validated; an error names
the file and the key (``judgeprobe.toml: gate.min_accuracy: ...``). Command-line options override the file
through :func:`with_overrides`, validated the same way.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.options import RunOptions
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.run.shard import Shard
from judgeprobe.harness.stats.schema import Settings

__all__ = [
    "FAIL_ON",
    "GateSettings",
    "ProjectSettings",
    "ReliabilitySettings",
    "RunSettings",
    "analysis_settings",
    "find_settings_file",
    "load_settings",
    "with_overrides",
]

SETTINGS_FILES = ("judgeprobe.toml", "pyproject.toml")
"""File names searched, in this order, in a folder and then its parents."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]

FAIL_ON = ("unreliable", "biased", "never")
"""``judgeprobe run --fail-on``: exit 1 when the judge is unreliable (the default), also when a family is
biased, or never."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class GateSettings(_Model):
    """Thresholds a run must meet (every rate and share is a proportion in ``[0, 1]``)."""

    max_excess_flip_rate: float = Field(default=0.05, ge=0.0, le=1.0)
    """Largest allowed excess flip rate (flip rate minus placebo rate) of an invariant probe family."""
    max_excess_flip_rate_by_family: dict[str, Share] = Field(default_factory=dict)
    """Per-family overrides of ``max_excess_flip_rate`` (family name -> limit)."""
    max_control_miss_rate: float | None = Field(default=0.25, ge=0.0, le=1.0)
    """Largest allowed miss rate of a control family (``None``: not checked)."""
    min_accuracy: float | None = Field(default=None, ge=0.0, le=1.0)
    """Smallest allowed agreement of the unperturbed verdicts with the labels, disputed references left out
    (``None``: not checked)."""
    max_unscored_share: float = Field(default=0.05, ge=0.0, le=1.0)
    """Largest allowed share of draws whose reply could not be read as a verdict."""
    max_error_share: float = Field(default=0.0, ge=0.0, le=1.0)
    """Largest allowed share of draws that ended in an error (strict replay's ``not_recorded`` included)."""
    noise_tolerance: float = Field(default=0.0, ge=0.0, le=1.0)
    """A (case, probe) whose flip (or miss) rate rose by at most this much over the baseline is not a
    regression."""
    require_significance: bool = False
    """Fail a family only when the statistics also call it ``biased`` (q-value below alpha), not on the
    point estimate alone."""

    def flip_limit(self, family: str) -> float:
        """The excess flip-rate limit of ``family``."""
        return self.max_excess_flip_rate_by_family.get(family, self.max_excess_flip_rate)


class RunSettings(_Model):
    """What the gate runs when no run folder is given (command-line options override each field)."""

    judge: str | None = None
    """Judge spec or path to a judge TOML file."""
    cases: tuple[Path, ...] = ()
    """Extra case folders."""
    builtin_cases: bool = True
    """Read the shipped case library too."""
    case_ids: tuple[str, ...] = ()
    """Only these case ids (empty: all)."""
    tags: tuple[str, ...] = ()
    """Only cases with any of these tags."""
    kinds: tuple[str, ...] = ()
    """Only grade cases of these answer kinds."""
    tricks: tuple[str, ...] = ()
    """Only cases of these trick kinds (a case's first tag)."""
    modes: tuple[str, ...] = ()
    """Only cases of these modes."""
    probes: str = "all"
    """Probe families or names, comma-separated."""
    repeats: int = Field(default=1, ge=1)
    """Draws per variant."""
    seed: int = 0
    """Seed of the probes' random draws."""
    policy: Literal["semantic", "strict"] = "semantic"
    """Grading policy of the labels (``strict``: the reference's notation must be kept)."""
    concurrency: int = Field(default=8, ge=1)
    """Judge calls in flight."""
    rpm: float | None = Field(default=None, gt=0.0)
    """Requests-per-minute limit (``None``: none)."""
    timeout: float = Field(default=60.0, gt=0.0)
    """Seconds per attempt."""
    max_retries: int = Field(default=4, ge=0)
    """Retries per draw of a failure worth retrying."""
    max_failures_in_a_row: int = Field(default=5, ge=0)
    """Stop after this many judge calls in a row failed in a way no retry fixes (a refused key, an unknown
    model, no server, invalid requests); ``0`` never stops."""
    tpm: float | None = Field(default=None, gt=0.0)
    """Tokens-per-minute limit, prompt and reply (``None``: none)."""
    max_cost: float | None = Field(default=None, gt=0.0)
    """Stop starting calls once they cost this much, in the judge's price currency (needs ``[judge.price]``
    in the judge file; ``None``: no limit)."""
    adaptive: bool = False
    """``judgeprobe run`` draws in rounds and stops drawing each test once it is settled (``repeats`` is then
    the most draws per variant)."""
    max_calls: int | None = Field(default=None, ge=1)
    """With ``adaptive``: the most draws the run may make (``None``: no limit)."""
    shard: str | None = None
    """``judgeprobe run`` runs part ``i/N`` of the plan (``None``: the whole plan)."""
    fail_on: Literal["unreliable", "biased", "never"] = "unreliable"
    """``judgeprobe run`` exits 1 when the judge is unreliable, also when a family is biased, or never."""
    baseline: Path | None = None
    """Baseline file (``None``: no baseline comparison)."""
    out: Path | None = None
    """Run folder (``None``: ``judgeprobe-out/<judge>-<run key>``)."""

    def run_options(self, *, repeats: int | None = None) -> RunOptions:
        """How patiently a fixed run of these settings calls the judge (``repeats``: instead of the
        settings' own): concurrency, rate and token limits, timeout, retries, the failure limit and the cost
        budget."""
        return RunOptions(
            repeats=self.repeats if repeats is None else repeats, concurrency=self.concurrency, rpm=self.rpm,
            tpm=self.tpm, timeout_s=self.timeout, max_retries=self.max_retries,
            max_failures_in_a_row=self.max_failures_in_a_row, max_cost=self.max_cost,
        )  # fmt: skip

    @field_validator("shard")
    @classmethod
    def _shard_form(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(Shard.parse(value))
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    def selection(self) -> Selection:
        """The cases, probes, seed and grading policy these settings select."""
        return Selection(
            case_dirs=self.cases, builtin_cases=self.builtin_cases, case_ids=self.case_ids, tags=self.tags,
            kinds=self.kinds, tricks=self.tricks, modes=self.modes, probes=self.probes, seed=self.seed,
            policy=self.policy,
        )  # fmt: skip


class ReliabilitySettings(_Model):
    """When the judge as a whole is unreliable (``judgeprobe run``'s verdict; see
    :mod:`judgeprobe.harness.stats.reliability`)."""

    max_control_miss_rate: float = Field(default=0.25, ge=0.0, le=1.0)
    """Largest share of all controls (pooled) whose verdict may stay when the meaning changed."""
    min_accuracy: float = Field(default=0.6, ge=0.0, le=1.0)
    """Smallest agreement of the unperturbed verdicts with the labels (disputed references left out)."""
    max_error_share: float = Field(default=0.1, ge=0.0, le=1.0)
    """Largest share of the draws asked that may end in errors."""
    max_unscored_share: float = Field(default=0.1, ge=0.0, le=1.0)
    """Largest share of the draws asked whose reply may be unreadable."""


class ProjectSettings(_Model):
    """Run, reliability and gate settings, with the file they came from."""

    run: RunSettings = Field(default_factory=RunSettings)
    """What to run."""
    reliability: ReliabilitySettings = Field(default_factory=ReliabilitySettings)
    """When the judge is unreliable."""
    gate: GateSettings = Field(default_factory=GateSettings)
    """Thresholds."""
    source: Path | None = None
    """The settings file (``None``: defaults only)."""


def find_settings_file(start: Path) -> Path | None:
    """The first ``judgeprobe.toml``, or ``pyproject.toml`` with a ``[tool.judgeprobe]`` table, in ``start``
    or a parent folder. The search stops at the project's root: a folder holding ``pyproject.toml`` or
    ``.git``, so settings of an unrelated enclosing folder are never picked up."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "judgeprobe.toml"
        if own.is_file():
            return own
        project = candidate / "pyproject.toml"
        if project.is_file():
            return project if "judgeprobe" in _read_toml(project).get("tool", {}) else None
        if (candidate / ".git").exists():
            return None
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"settings file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _problems(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for err in exc.errors(include_url=False):
        head = prefix.split(".") if prefix else []
        key = ".".join([*head, *(str(p) for p in err["loc"])])
        got = err.get("input")
        shown = "" if isinstance(got, dict) or err["type"] == "missing" else f" (got {got!r})"
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "value_error":  # a validator's own message, without pydantic's "Value error, "
            message = str(err.get("ctx", {}).get("error", message))
        parts.append(f"{key}: {message}{shown}")
    return "; ".join(parts)


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Paths in ``run`` made relative to the settings file's folder (a judge TOML path included)."""
    if not isinstance(data.get("run"), dict):
        return data
    run = dict(data["run"])
    if isinstance(run.get("cases"), str):
        run["cases"] = [run["cases"]]
    if isinstance(run.get("cases"), list):
        run["cases"] = [base / str(p) for p in run["cases"]]
    for key in ("baseline", "out"):
        if isinstance(run.get(key), str):
            run[key] = base / run[key]
    judge = run.get("judge")
    if isinstance(judge, str) and judge.endswith(".toml") and not Path(judge).is_absolute():
        run["judge"] = str(base / judge)
    return {**data, "run": run}


def load_settings(path: Path | None = None, *, start: Path | None = None) -> ProjectSettings:
    """Read settings from ``path`` (or the file :func:`find_settings_file` finds from ``start``).

    Args:
        path: A ``judgeprobe.toml`` or ``pyproject.toml``; ``None`` searches from ``start``.
        start: Folder to search from (default: the current folder).

    Raises:
        ConfigError: The file is missing, not TOML, or a key is unknown or out of range (the message names
            the file and the key).
    """
    found = path if path is not None else find_settings_file(start or Path.cwd())
    if found is None:
        return ProjectSettings()
    data = _read_toml(found)
    prefix = ""
    if found.name == "pyproject.toml":
        tool = data.get("tool", {})
        if "judgeprobe" not in tool:
            raise ConfigError(f"{found}: no [tool.judgeprobe] table; add one or pass a judgeprobe.toml")
        data = tool["judgeprobe"]
        prefix = "tool.judgeprobe"
    if not isinstance(data, dict):
        raise ConfigError(f"{found}: {prefix or 'the file'} must be a table")
    data = _resolve_paths(data, found.parent)
    try:
        return ProjectSettings(**data, source=found)
    except TypeError:
        raise ConfigError(f"{found}: the settings hold a 'source' key; remove it") from None
    except ValidationError as exc:
        raise ConfigError(f"{found}: invalid settings: {_problems(exc, prefix)}") from None


def with_overrides(
    settings: ProjectSettings,
    *,
    run: Mapping[str, Any] | None = None,
    gate: Mapping[str, Any] | None = None,
    reliability: Mapping[str, Any] | None = None,
) -> ProjectSettings:
    """A copy with command-line values (``None`` values are ignored) validated like the file's.

    Raises:
        ConfigError: An override is out of range (the message names the option's key).
    """
    run_data = {**settings.run.model_dump(), **{k: v for k, v in (run or {}).items() if v is not None}}
    given = {k: v for k, v in (reliability or {}).items() if v is not None}
    reliability_data = {**settings.reliability.model_dump(), **given}
    gate_data = settings.gate.model_dump()
    for key, value in (gate or {}).items():
        if value is None:
            continue
        if key == "max_excess_flip_rate_by_family":
            gate_data[key] = {**gate_data[key], **value}
        else:
            gate_data[key] = value
    try:
        return ProjectSettings(
            run=RunSettings(**run_data),
            reliability=ReliabilitySettings(**reliability_data),
            gate=GateSettings(**gate_data),
            source=settings.source,
        )
    except ValidationError as exc:
        raise ConfigError(f"invalid command-line setting: {_problems(exc)}") from None


def analysis_settings(settings: ProjectSettings, *, threshold: float | None = None) -> Settings:
    """The statistics' settings for a run made under ``settings``: the shipped defaults, the judge's
    reliability limits from ``[reliability]``, and ``threshold`` (the practical bias threshold) when given."""
    from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS

    data = {**DEFAULT_SETTINGS.model_dump(), **settings.reliability.model_dump()}
    if threshold is not None and threshold > 0:
        data["threshold"] = threshold
    return Settings(**data)
