"""judgeprobe's pytest plugin: the probe suite as test items, and a fixture that runs it for your own asserts.

Registered under ``pytest11``, so it is active wherever judgeprobe is installed, and it does nothing until a
judge is named: ``pytest --judgeprobe-judge judge.toml`` (or ``judgeprobe_judge = judge.toml`` in the ini
file) adds one test item per probe family — ``judgeprobe::position``, ``judgeprobe::length``, … — plus
``judgeprobe::overall`` (accuracy, unscored and errored draws, the baseline file), each failing with the
gate's explanation. Thresholds come from ``judgeprobe.toml`` or ``[tool.judgeprobe]`` as for ``judgeprobe
gate``, and so does the selection (``[run]``: cases, case ids, tags, kinds, tricks, modes, probes, seed,
repeats, baseline, run folder) wherever no ``--judgeprobe-*`` option or ini key gives it: the same
:class:`~judgeprobe.harness.run.selection.Selection` ``gate`` would run, through the same run tail.
``--judgeprobe-per-case`` adds one item per (case, response, probe) as well.

The fixture ``judgeprobe_run`` is a session-scoped factory::

    def test_no_position_bias(judgeprobe_run):
        run = judgeprobe_run(probes="position", case_ids=["pw-position-product-rule"], seed=3)
        assert all(f.excess == 0 for f in run.summary.families)

Heavy modules (pandas, the harness) are imported inside hooks and fixtures only, so the plugin costs nothing
in a test session that does not use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from judgeprobe.harness.gate.rules import GateResult
    from judgeprobe.harness.run.selection import Selection
    from judgeprobe.harness.session import SuiteRun

__all__ = ["JudgeprobeItem"]

_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("judge", "string", "Judge spec or judge TOML file; enables the judgeprobe test items."),
    ("cases", "args", "Extra case folder(s), read besides the shipped library (default: run.cases)."),
    ("case", "args", "Only these case ids."),
    ("tag", "args", "Only cases with these tags."),
    ("kind", "args", "Only grade cases of these answer kinds (default: run.kinds)."),
    ("mode", "args", "Only cases of these modes (default: run.modes)."),
    ("probes", "string", "Probe families or names, comma-separated (default: run.probes, else all)."),
    ("seed", "string", "Seed of the probes' random draws (default: run.seed, else 0)."),
    ("policy", "string", "Grading policy: semantic or strict (default: run.policy, else semantic)."),
    ("repeats", "string", "Draws per variant (default: run.repeats, else 1)."),
    ("baseline", "string", "Baseline file (default: run.baseline); a missing file fails unless updated."),
    ("out", "string", "Run folder (default: run.out, else a temporary folder)."),
)
"""(name, ini type, help) of the valued options: ``--judgeprobe-NAME`` and the ini key ``judgeprobe_NAME``."""

_STATE: pytest.StashKey[_State] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options under ``--judgeprobe-*`` and matching ini keys."""
    group = parser.getgroup("judgeprobe", "judgeprobe: probe an LLM judge for biases")
    for name, kind, text in _OPTIONS:
        flag = f"--judgeprobe-{name}"
        if kind == "args":
            group.addoption(
                flag, action="append", default=None, dest=f"judgeprobe_{name}", help=text + " Repeatable."
            )
        else:
            group.addoption(flag, default=None, dest=f"judgeprobe_{name}", help=text)
        ini_type: Literal["args", "string"] = "args" if kind == "args" else "string"
        parser.addini(f"judgeprobe_{name}", text, type=ini_type, default=None)
    group.addoption(
        "--judgeprobe-no-builtin-cases",
        action="store_true",
        default=False,
        help="Do not read the shipped case library (only --judgeprobe-cases folders).",
    )
    group.addoption(
        "--judgeprobe-per-case",
        action="store_true",
        default=False,
        help="Also collect one item per (case, response, probe).",
    )
    group.addoption(
        "--judgeprobe-update-baseline",
        action="store_true",
        default=False,
        help="Rewrite the baseline file from this run instead of comparing with it.",
    )
    parser.addini(
        "judgeprobe_builtin_cases",
        "Read the shipped case library (default: the settings file's run.builtin_cases, else true).",
        type="bool",
        default=None,
    )
    parser.addini(
        "judgeprobe_per_case", "Collect one item per (case, response, probe).", type="bool", default=False
    )


def _value(config: pytest.Config, name: str) -> Any:
    """The command-line value of ``--judgeprobe-NAME``, else the ini key ``judgeprobe_NAME``."""
    given = config.getoption(f"judgeprobe_{name}")
    if given not in (None, []):
        return given
    value = config.getini(f"judgeprobe_{name}")
    return value if value not in ("", []) else None


def _paths(config: pytest.Config, name: str) -> list[Path] | None:
    """Path values of ``--judgeprobe-NAME`` (relative to where pytest was started) or of the ini key
    ``judgeprobe_NAME`` (relative to the ini file's folder); ``None`` when neither is given."""
    given = config.getoption(f"judgeprobe_{name}")
    if given not in (None, []):
        base = config.invocation_params.dir
    else:
        given = config.getini(f"judgeprobe_{name}")
        if given in (None, "", []):
            return None
        base = config.inipath.parent if config.inipath is not None else config.rootpath
    values = given if isinstance(given, list) else [given]
    return [base / str(value) for value in values]


def _whole(value: object, option: str) -> int:
    """``value`` as a whole number, else a usage error naming ``option``."""
    try:
        return int(str(value))
    except ValueError:
        raise pytest.UsageError(f"{option} must be a whole number, got {value!r}") from None


class _State:
    """The one suite run of a test session, made on first use and shared by every item."""

    def __init__(self, config: pytest.Config, judge: str) -> None:
        from judgeprobe.harness.gate.settings import load_settings

        self.config = config
        self.judge = judge
        try:
            self.settings = load_settings(start=config.invocation_params.dir)
            """Settings file of the project (``[run]`` fills what no option or ini key gives)."""
        except ValueError as exc:
            raise pytest.UsageError(f"judgeprobe: {exc}") from None
        run = self.settings.run
        cases = _paths(config, "cases")
        ini_builtin = config.getini("judgeprobe_builtin_cases")
        builtin = run.builtin_cases if ini_builtin is None else bool(ini_builtin)
        seed = _value(config, "seed")
        try:
            self.selection = run.selection().with_changes(
                case_dirs=tuple(cases) if cases else run.cases,
                builtin_cases=not config.getoption("judgeprobe_no_builtin_cases") and builtin,
                case_ids=tuple(_value(config, "case") or run.case_ids),
                tags=tuple(_value(config, "tag") or run.tags),
                kinds=tuple(_value(config, "kind") or run.kinds),
                modes=tuple(_value(config, "mode") or run.modes),
                probes=_value(config, "probes") or run.probes,
                seed=_whole(seed, "--judgeprobe-seed") if seed is not None else run.seed,
                policy=_value(config, "policy") or run.policy,
            )
            """What the session runs: the options and ini keys over the settings file's selection."""
        except ValueError as exc:
            raise pytest.UsageError(f"judgeprobe: {exc}") from None
        repeats = _value(config, "repeats")
        self.repeats = _whole(repeats, "--judgeprobe-repeats") if repeats is not None else run.repeats
        baseline = _paths(config, "baseline")
        self.baseline = baseline[0] if baseline else run.baseline
        out = _paths(config, "out")
        self.out = out[0] if out else run.out
        self.update = bool(config.getoption("judgeprobe_update_baseline"))
        self._outcome: tuple[SuiteRun, GateResult] | BaseException | None = None
        self._plan: Any = None

    def plan(self) -> Any:
        """The suite's plan (made once: collection and the run share it)."""
        from judgeprobe.harness.session import plan_suite

        if self._plan is None:
            self._plan = plan_suite(self.selection)
        return self._plan

    def outcome(self) -> tuple[SuiteRun, GateResult]:
        """Run the suite and gate it (once per session)."""
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        if self._outcome is None:
            try:
                self._outcome = self._run()
            except Exception as exc:
                self._outcome = exc
                raise
        return self._outcome

    def _run(self) -> tuple[SuiteRun, GateResult]:
        import tempfile

        from judgeprobe.harness.gate.check import gate_run
        from judgeprobe.harness.session import run_suite

        out = self.out or Path(tempfile.mkdtemp(prefix="judgeprobe-pytest-"))
        suite = run_suite(
            self.plan(),
            judge=self.judge,
            out=out,
            options=self.settings.run.run_options(repeats=self.repeats),
            show_progress=False,
            write_reports=False,
        )
        suite.raise_if_stopped()
        result = gate_run(suite, self.settings.gate, baseline=self.baseline, update_baseline=self.update)
        return suite, result


class JudgeprobeFailure(Exception):
    """A judgeprobe item failed; the message is the gate's explanation."""


class JudgeprobeItem(pytest.Item):
    """One gate check: a probe family, the overall rules, or one (case, response, probe)."""

    def __init__(self, *, scope: str, key: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scope = scope
        """``family``, ``overall`` or ``case``."""
        self.key = key
        """The family name, or (case id, unit id, probe) for ``case`` items."""

    def runtest(self) -> None:
        """Run (or reuse) the session's suite and fail with the explanation of this item's failed rules."""
        state = self.config.stash[_STATE]
        _, result = state.outcome()
        if self.scope == "family":
            failures = [f for f in result.failures if f.family == self.key[0]]
        elif self.scope == "overall":
            failures = [f for f in result.failures if f.family is None]
        else:
            failures = [f for f in result.failures if tuple(self.key) in f.keys]
        if failures:
            raise JudgeprobeFailure("\n\n".join(f.explain() for f in failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The gate's explanation, without a traceback into the plugin."""
        from judgeprobe.harness.core.errors import HarnessError

        if isinstance(excinfo.value, JudgeprobeFailure | HarnessError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from, for pytest's report: the judge's TOML file when there is one."""
        judge = Path(self.config.stash[_STATE].judge)
        source = judge if judge.suffix == ".toml" else Path("judgeprobe")
        return self.config.rootpath / source, None, self.name


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Add the judgeprobe items when a judge is named (before ``-k``/``-m`` deselection sees them)."""
    judge = _value(config, "judge")
    if not judge:
        return
    state = _State(config, str(judge))
    config.stash[_STATE] = state
    try:
        plan = state.plan()
    except Exception as exc:  # a bad case folder or probe selector is a usage error, not a crash
        raise pytest.UsageError(f"judgeprobe: {exc}") from None
    families = sorted({v.family for v in plan.variants if str(v.relation) != "base"})
    added: list[pytest.Item] = [
        JudgeprobeItem.from_parent(
            session,
            name=f"judgeprobe[{family}]",
            nodeid=f"judgeprobe::{family}",
            scope="family",
            key=(family,),
        )
        for family in families
    ]
    added.append(
        JudgeprobeItem.from_parent(
            session, name="judgeprobe[overall]", nodeid="judgeprobe::overall", scope="overall"
        )
    )
    if config.getoption("judgeprobe_per_case") or config.getini("judgeprobe_per_case"):
        keys = sorted({(v.case_id, v.unit_id, v.probe) for v in plan.variants if str(v.relation) != "base"})
        added.extend(
            JudgeprobeItem.from_parent(
                session,
                name=f"judgeprobe[{'/'.join(key)}]",
                nodeid=f"judgeprobe::{'/'.join(key)}",
                scope="case",
                key=key,
            )
            for key in keys
        )
    items.extend(added)


@pytest.fixture(scope="session")
def judgeprobe_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., SuiteRun]]:
    """A factory that runs a probe suite and returns the :class:`~judgeprobe.harness.session.SuiteRun`.

    Call it as ``judgeprobe_run(judge=None, *, probes=None, case_dirs=(), case_ids=(), tags=(), kinds=(),
    tricks=(), modes=(), repeats=None, seed=0, builtin_cases=True, out=None, policy=None)``, or pass a whole
    ``selection=Selection(...)`` instead of the selection keywords; unset arguments fall back to the
    ``--judgeprobe-*`` options and ini keys. Identical calls in one session reuse the first run.
    """
    config = request.config
    cache: dict[tuple[Any, ...], SuiteRun] = {}

    def factory(
        judge: str | None = None,
        *,
        probes: str | None = None,
        case_dirs: tuple[str | Path, ...] | list[str | Path] = (),
        case_ids: tuple[str, ...] | list[str] = (),
        tags: tuple[str, ...] | list[str] = (),
        kinds: tuple[str, ...] | list[str] = (),
        tricks: tuple[str, ...] | list[str] = (),
        modes: tuple[str, ...] | list[str] = (),
        repeats: int | None = None,
        seed: int = 0,
        builtin_cases: bool = True,
        out: str | Path | None = None,
        selection: Selection | None = None,
        policy: str | None = None,
    ) -> SuiteRun:
        from judgeprobe.harness.run.runner import RunOptions
        from judgeprobe.harness.run.selection import Selection
        from judgeprobe.harness.session import plan_suite, run_suite

        spec = judge or _value(config, "judge")
        if not spec:
            pytest.fail(
                "judgeprobe_run needs a judge: judgeprobe_run(judge=...) or --judgeprobe-judge", pytrace=False
            )
        if selection is None:
            selection = Selection(
                case_dirs=tuple(Path(p) for p in case_dirs) or tuple(_paths(config, "cases") or ()),
                builtin_cases=builtin_cases,
                case_ids=tuple(case_ids),
                tags=tuple(tags),
                kinds=tuple(kinds),
                tricks=tuple(tricks),
                modes=tuple(modes),
                probes=probes or _value(config, "probes") or "all",
                seed=seed,
                policy=policy or _value(config, "policy") or "semantic",
            )
        draws = repeats if repeats is not None else int(_value(config, "repeats") or 1)
        key = (spec, selection, draws, out)
        if key not in cache:
            folder = Path(out) if out is not None else tmp_path_factory.mktemp("judgeprobe-run")
            cache[key] = run_suite(
                plan_suite(selection),
                judge=str(spec),
                out=folder,
                options=RunOptions(repeats=draws),
                show_progress=False,
                write_reports=False,
            )
            cache[key].raise_if_stopped()
        return cache[key]

    yield factory
