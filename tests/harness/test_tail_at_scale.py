"""The quicker paths of a run's tail give what their plain forms give: the frame read column by column from
the store, its prompts looked up after the statistics, ``results.jsonl`` written in blocks, bootstrap
weights shared between groups, flips classified ahead on the grading workers, and a run's tail with or
without the prompt column."""

from __future__ import annotations

import contextlib
import json
import math
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_store import _perturbed, _record

from judgeprobe.harness.core.records import COLUMNS
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.report.jsonl import write_results_jsonl
from judgeprobe.harness.session.tail import run_tail
from judgeprobe.harness.stats import classify
from judgeprobe.harness.stats.intervals import cluster_bootstrap_difference
from judgeprobe.harness.store import RunStore
from judgeprobe.harness.store.frame import records_frame
from judgeprobe.harness.store.runs import RunRecord


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A temporary folder (a test run by hypothesis takes no ``tmp_path``)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=90)
"""Texts short and long (from 64 characters a prompt or reply is stored once, by digest), any script."""


@st.composite
def _verdicts(draw: st.DrawFn) -> Verdict:
    texts = {
        name: draw(st.none() | _TEXT | st.sampled_from(["same long text " * 6, "same short"]))
        for name in ("raw_reply", "prompt", "extracted_answer", "reasoning")
    }
    numbers: dict[str, Any] = {
        "confidence": draw(st.none() | st.integers(0, 100) | st.floats(0, 100)),
        "latency_s": draw(st.none() | st.floats(0, 10)),
        "input_tokens": draw(st.none() | st.integers(0, 10**6)),
        "output_tokens": draw(st.none() | st.integers(0, 10**4)),
        "attempts": draw(st.integers(1, 5)),
    }
    kind = draw(st.sampled_from(["judged", "unscored", "error"]))
    if kind == "judged":
        return Verdict.judged(draw(st.sampled_from(["correct", "incorrect"])), **texts, **numbers)
    if kind == "unscored":
        return Verdict.unscored(draw(_TEXT), **texts, **numbers)
    return Verdict.error(ErrorKind.SERVER, draw(_TEXT), **texts, **numbers)


def _run(repeats: int) -> RunRecord:
    return RunRecord(
        key="j1-run", judge="test", judge_hash="j1", selection=None, options={"repeats": repeats},
        settings=None, variants=1, variants_digest="", cases=None, probes=None, planned=repeats,
        created_at="", updated_at="",
    )  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(verdicts=st.lists(_verdicts(), min_size=1, max_size=12))
def test_the_stores_frame_is_the_records_frame(verdicts: list[Verdict]) -> None:
    variant = _perturbed()
    with _scratch() as folder, RunStore(folder / "store.sqlite") as store:
        records = [_record(store, variant, verdict, draw=draw) for draw, verdict in enumerate(verdicts)]
        store.put_draws(records)
        run = store.record_run(_run(len(records)), [variant.id])
        read = store.run_frame(run)  # column by column, each text once
        written = records_frame(store.run_records(run))  # record by record, texts joined in SQL
        deferred = store.run_frame(run, prompts=False)  # long prompts as their digests
        with_texts = deferred.copy()
        store.resolve_prompts(with_texts)
        whole = write_results_jsonl(folder / "whole.jsonl", read).read_text(encoding="utf-8")
        looked_up = write_results_jsonl(folder / "late.jsonl", deferred, block_rows=2, texts=store.texts)
        late = looked_up.read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(read, written)
    pd.testing.assert_frame_equal(with_texts, written)
    assert late == whole
    prompts = [v.prompt for v in verdicts]
    assert [p if isinstance(p, str) else None for p in read["prompt"].tolist()] == prompts
    long = [isinstance(p, str) and len(p) >= 64 for p in prompts]
    assert [isinstance(p, bytes) for p in deferred["prompt"].tolist()] == long


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


@settings(max_examples=25, deadline=None)
@given(verdicts=st.lists(_verdicts(), min_size=1, max_size=12), block=st.integers(1, 5))
def test_results_jsonl_in_blocks_is_json_dumps_of_every_row(verdicts: list[Verdict], block: int) -> None:
    variant = _perturbed()
    frame = records_frame(_record_in_memory(variant, verdict, draw) for draw, verdict in enumerate(verdicts))
    with _scratch() as folder:
        whole = write_results_jsonl(folder / "whole.jsonl", frame).read_text(encoding="utf-8")
        blocks = write_results_jsonl(folder / "blocks.jsonl", frame, block_rows=block)
        in_blocks = blocks.read_text(encoding="utf-8")
    expected = "".join(
        json.dumps({name: _json_value(row[name]) for name in COLUMNS}, ensure_ascii=False) + "\n"
        for row in frame.to_dict("records")
    )
    assert in_blocks == whole == expected


def _record_in_memory(variant: Any, verdict: Verdict, draw: int) -> Any:
    from judgeprobe.harness.core.records import record_for
    from judgeprobe.harness.core.request import JudgeRequest

    request = JudgeRequest.from_variant(variant, draw=draw)
    return record_for(
        variant, verdict, run_id="r", judge="test", judge_hash="j1", draw=draw, placebo=False,
        cache_key=request.cache_key("j1"), request_key=request.content_key(), cached=False,
        reference_doubt=False,
    )  # fmt: skip


def _bootstrap_directly(
    f: list[float], s: list[float], m: list[float], resamples: int, seed: int
) -> tuple[float, float, float]:
    """The bootstrap as first written: one multinomial draw per call."""
    k = len(f)
    weights = np.random.default_rng(seed).multinomial(k, np.full(k, 1.0 / k), size=resamples).astype(float)
    totals = weights @ np.asarray(m, dtype=float)
    diffs = (weights @ np.asarray(f, dtype=float) - weights @ np.asarray(s, dtype=float)) / np.where(
        totals > 0, totals, 1.0
    )
    tail = (1.0 - 0.95) / 2.0
    low, high = np.quantile(diffs, [tail, 1.0 - tail])
    return float(low), float(high), float(np.var(diffs))


@settings(max_examples=40, deadline=None)
@given(
    groups=st.lists(
        st.integers(1, 12).flatmap(
            lambda k: st.tuples(*(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(1, 5)),) * k)
        ),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_shared_bootstrap_weights_give_the_direct_interval(groups: list[Any], seed: int) -> None:
    for clusters in groups:  # groups with as many clusters share their weights
        f = [float(min(a, c)) for a, _, c in clusters]
        s = [float(min(b, c)) for _, b, c in clusters]
        m = [float(c) for _, _, c in clusters]
        interval, variance = cluster_bootstrap_difference(f, s, m, resamples=200, seed=seed)
        low, high, direct_variance = _bootstrap_directly(f, s, m, 200, seed)
        assert (interval.low, interval.high, variance) == (low, high, direct_variance)


KEYS: list[classify.FlipKey] = [
    ("judged", "1/2", "0.5", "number", None),
    ("judged", "0.25", "1/2", "number", None),
    ("judged", "B", "two", "multiple_choice", (("A", "one"), ("B", "two"))),
    ("judged", None, "3", "number", None),
    ("unscored", "x", "y", "text", None),
    ("judged", "Paris", "paris.", "text", None),
]


def test_flips_classified_ahead_get_the_classes_asked_one_at_a_time() -> None:
    classify.flip_class.cache_clear()
    one_at_a_time = [classify.flip_class(*key) for key in KEYS]
    assert one_at_a_time == [
        "equivalence_error", "extraction_error", "equivalence_error", "unclassified", "parse_failure",
        "equivalence_error",
    ]  # fmt: skip
    classify.flip_class.cache_clear()
    with classify.classify_ahead(KEYS * 2):
        pass
    assert classify.flip_class.cache_info().currsize == len(KEYS)  # each one classified once, ahead
    assert [classify.flip_class(*key) for key in KEYS] == one_at_a_time


def test_a_tail_without_prompts_writes_the_same_reports(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent / "report"))
    from report_run import make_run

    full = make_run(tmp_path / "run")
    files = {path.name: path.read_bytes() for path in full.paths}
    lean = run_tail(tmp_path / "run", write=True, prompts=False)
    assert {path.name: path.read_bytes() for path in lean.paths} == files
    assert "prompt" not in lean.frame.columns
    pd.testing.assert_frame_equal(lean.frame, full.frame.drop(columns="prompt"))
    assert lean.summary == full.summary
