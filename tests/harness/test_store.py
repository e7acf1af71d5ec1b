"""The run store: variants round-trip, draws are cached unless errored, the latest attempt wins."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from judgeprobe.cases.models import GradeCase, GradeResponse, Mode
from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.store import RunStore, variant_from_json, variant_to_json
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Slot, Step, Variant


def _case() -> GradeCase:
    return GradeCase(
        id="half",
        question="Two fair coins are tossed. Probability of exactly one head?",
        reference="1/2",
        answer_kind="number",
        responses=(
            GradeResponse(id="frac", text="1/2", label="correct", why="it is 1/2"),
            GradeResponse(id="quarter", text="1/4", label="incorrect", why="that is two heads"),
        ),
        source="hand-written",
    )


def _perturbed() -> Variant:
    return Variant(
        case_id="mc",
        unit_id="r1",
        mode=Mode.GRADE,
        question="Which?",
        reference="B",
        answer_kind="multiple_choice",
        choices=(("A", "one"), ("B", "two")),
        slots=(Slot("r1", "The answer is **B**."),),
        chain=(Step.of("formatting.bold"), Step.of("length.pad", words=40, where="before")),
        seed=7,
        relation=Relation.INVARIANT,
        label="correct",
        family="length",
        presentation=(("field_order", "reference_first"),),
        dose=40.0,
        final_answer="B",
    )


def _record(
    store: RunStore, variant: Variant, verdict: Verdict, *, draw: int = 0, judge_hash: str = "j1"
) -> DrawRecord:
    request = JudgeRequest.from_variant(variant, draw=draw)
    return record_for(
        variant, verdict, run_id=store.run_id, judge="test", judge_hash=judge_hash, draw=draw, placebo=False,
        cache_key=request.cache_key(judge_hash), request_key=request.content_key(), cached=False,
        reference_doubt=False,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "run" / "store.sqlite") as opened:
        yield opened


@pytest.mark.parametrize("variant", [*base_variants(_case()), _perturbed()], ids=lambda v: v.unit_id)
def test_variant_json_round_trip_keeps_content_and_id(variant: Variant) -> None:
    back = variant_from_json(variant_to_json(variant))
    assert back == variant
    assert back.id == variant.id == back.content_hash()


@pytest.mark.parametrize(
    "author",
    [{"model": "", "family": "gpt"}, {"model": "m", "family": 3}, {"model": "m", "family": "f", "x": 1}],
)
def test_a_stored_author_is_validated_on_every_read(author: dict[str, object]) -> None:
    """Authors read back are shared per name pair, but never unchecked: an empty name, a number or an unknown
    field in a store is refused, however often a valid author was read before."""
    data = json.loads(variant_to_json(_perturbed()))
    data["slots"] = [[slot[0], slot[1], {"model": "m", "family": "f"}] for slot in data["slots"]]
    first = variant_from_json(json.dumps(data))
    assert all(slot.author is not None and slot.author.model == "m" for slot in first.slots)
    data["slots"][0][2] = author
    with pytest.raises(ValidationError):
        variant_from_json(json.dumps(data))


def test_put_variants_is_idempotent_and_ordered(store: RunStore) -> None:
    variants = [*base_variants(_case()), _perturbed()]
    assert store.put_variants(variants, reference_doubt={"mc": True}) == 3
    assert store.put_variants(variants) == 0
    assert [v.id for v in store.iter_variants()] == [v.id for v in variants]
    assert store.get_variant(variants[2].id) == variants[2]
    assert store.reference_doubts() == {"mc": True}
    with pytest.raises(KeyError, match="not in the store"):
        store.get_variant("0000")


def test_meta_and_run_id_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with RunStore(path) as first:
        first.set_meta("judge", {"name": "x", "params": [1, 2]})
        run_id = first.run_id
    with RunStore(path) as second:
        assert second.run_id == run_id
        assert second.get_meta("judge") == {"name": "x", "params": [1, 2]}
        assert second.get_meta("missing") is None


def test_finished_draws_are_cached_with_every_verdict_field(store: RunStore) -> None:
    variant = _perturbed()
    verdict = Verdict.judged(
        "correct", extracted_answer="B", confidence=90.0, reasoning="same letter", raw_reply='{"ok": 1}',
        prompt="P", latency_s=0.25, attempts=2, input_tokens=10, output_tokens=3, meta={"structured": True},
    )  # fmt: skip
    record = _record(store, variant, verdict)
    store.put_draw(record)
    assert store.lookup(record.cache_key) == verdict
    assert store.lookup_request(record.request_key) == verdict
    assert store.lookup_request(record.request_key, judge_hash="other") is None
    assert store.lookup("nope") is None


def test_errors_are_stored_but_not_cached_and_the_latest_attempt_wins(store: RunStore) -> None:
    variant = _perturbed()
    error = Verdict.error(ErrorKind.SERVER, "HTTP 500", attempts=5)
    record = _record(store, variant, error)
    store.put_draw(record)
    assert store.lookup(record.cache_key) is None
    assert store.lookup_request(record.request_key) is None
    assert store.counts()["error"] == 1
    assert store.finished_draws("j1") == {}
    judged = Verdict.judged("incorrect")
    store.put_draw(_record(store, variant, judged))
    records = list(store.iter_records())
    assert [(r.verdict.status, r.verdict.outcome) for r in records] == [("judged", "incorrect")]
    assert store.counts() == {"judged": 1, "unscored": 0, "error": 0, "skipped": 0}
    assert store.finished_draws("j1") == {(variant.id, 0): (record.cache_key, False, "judged")}
    assert store.finished_keys() == {record.cache_key}


def test_iter_records_one_per_judge_variant_and_draw_and_filter_by_judge(store: RunStore) -> None:
    variants = base_variants(_case())
    for judge_hash in ("j1", "j2"):
        for variant in variants:
            for draw in (0, 1):
                verdict = Verdict.unscored("no verdict field", raw_reply="hmm")
                store.put_draw(_record(store, variant, verdict, draw=draw, judge_hash=judge_hash))
    # a folder shared by two judge configurations keeps both judges' draws
    assert len(list(store.iter_records())) == 8
    assert {r.judge_hash for r in store.iter_records()} == {"j1", "j2"}
    assert len(list(store.iter_records(judge_hash="j1"))) == 4
    verdict = Verdict.judged("correct")
    store.put_draw(_record(store, variants[0], verdict, draw=0, judge_hash="j1"))
    latest = [
        r for r in store.iter_records(judge_hash="j1") if r.variant_id == variants[0].id and r.draw == 0
    ]
    assert [r.verdict.status for r in latest] == [
        "judged"
    ]  # the latest write of a (judge, variant, draw) wins
    assert store.counts(judge_hash="j1")["unscored"] == 3
    assert store.counts(judge_hash="j1")["judged"] == 1
    record = next(store.iter_records())
    assert isinstance(record.placebo, bool) and isinstance(record.cached, bool)


def test_rows_are_visible_to_a_second_connection_once_committed(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with RunStore(path) as writer, RunStore(path) as reader:
        variant = _perturbed()
        verdict = Verdict.judged("correct")
        record = _record(writer, variant, verdict)
        writer.put_draw(record)
        assert reader.lookup(record.cache_key) == verdict


def test_incompatible_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        RunStore(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a judgeprobe store"):
        RunStore(path)


KILLED_WRITER = """
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.store import RunStore
from test_store import _perturbed, _record
store = RunStore(sys.argv[1])
verdicts = [Verdict.judged("correct", raw_reply=f"reply {draw}") for draw in range(3)]
store.journal_draws([_record(store, _perturbed(), v, draw=d) for d, v in enumerate(verdicts)])
assert store.pending == 3
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_journaled_draws_survive_a_sigkill_and_are_committed_on_the_next_open(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "store.sqlite"
    RunStore(path).close()
    child = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(path), str(Path(__file__).parent)],
        capture_output=True, text=True, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert child.returncode == -9, child.stderr
    pending = path.with_name("store.sqlite-pending")
    assert pending.exists() and pending.read_text().count("\n") == 3
    with RunStore(path) as store:
        assert [r.verdict.raw_reply for r in store.iter_records()] == ["reply 0", "reply 1", "reply 2"]
    assert not pending.exists()


def test_a_journal_line_cut_by_a_kill_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with RunStore(path) as store:
        variant = _perturbed()
        verdict = Verdict.judged("correct")
        store.journal_draws([_record(store, variant, verdict, draw=d) for d in range(2)])
        text = path.with_name("store.sqlite-pending").read_text()
        store._pending.clear()  # simulate the kill: nothing of this process reaches SQLite
    cut = text[: text.index("\n") + 1] + text[text.index("\n") + 1 :][:40]
    path.with_name("store.sqlite-pending").write_text(cut)
    with RunStore(path) as store:
        assert [r.draw for r in store.iter_records()] == [0]


def test_reads_see_journaled_draws(store: RunStore) -> None:
    variant = _perturbed()
    verdict = Verdict.judged("correct")
    record = _record(store, variant, verdict)
    store.journal_draws([record])
    assert store.pending == 1
    assert store.lookup(record.cache_key) == verdict
    assert store.pending == 0


def test_a_reply_with_a_lone_surrogate_is_stored_not_fatal(store: RunStore) -> None:
    variant = _perturbed()
    bad = Verdict.unscored("no verdict", raw_reply='{"correct": "\ud800"}')
    store.journal_draws([_record(store, variant, bad, draw=0)])
    store.put_draw(_record(store, variant, bad, draw=1))
    replies = [r.verdict.raw_reply for r in store.iter_records()]
    assert replies == ['{"correct": "?"}', '{"correct": "?"}']


def test_a_live_writers_journal_is_left_alone_and_a_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    pending = path.with_name("store.sqlite-pending")
    variant = _perturbed()
    verdict = Verdict.judged("correct")
    with RunStore(path) as writer:
        record = _record(writer, variant, verdict)
        writer.journal_draws([record])
        with RunStore(path) as reader:  # e.g. a report rebuilt while the run goes on
            assert reader.lookup(record.cache_key) is None  # not committed yet, and not taken over
            with pytest.raises(StoreError, match="another judgeprobe process is writing"):
                reader.journal_draws([record])
        assert pending.exists()  # the reader did not remove the writer's journal
    assert not pending.exists()
    with RunStore(path) as store:
        assert store.lookup(record.cache_key) == verdict


def test_read_only_lookups_by_request_work_with_and_without_the_index(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    variant = _perturbed()
    first, second = Verdict.judged("correct"), Verdict.judged("incorrect")
    with RunStore(path) as store:
        store.put_draw(_record(store, variant, first, judge_hash="old"))
        store.put_draw(_record(store, variant, second, judge_hash="new"))
        request_key = _record(store, variant, first).request_key
    for indexed in (True, False):
        if not indexed:  # a store whose run was killed never got the index
            db = sqlite3.connect(path)
            db.execute("DROP INDEX draws_request_key")
            db.commit()
            db.close()
        with RunStore(path, read_only=True) as readonly:
            assert readonly.lookup_request(request_key) == second
            assert readonly.lookup_request(request_key, judge_hash="old") == first
            assert readonly.lookup_request("missing") is None
    with pytest.raises(StoreError, match="no run store"):
        RunStore(tmp_path / "absent.sqlite", read_only=True)


def test_long_texts_are_stored_once_and_read_back_whole(store: RunStore) -> None:
    from judgeprobe.harness.store.rows import SHARED_TEXT_MIN
    from judgeprobe.harness.store.runs import RunRecord

    variant = _perturbed()
    prompt = "Grade the response. " * 40  # every draw of a variant sends the same prompt
    short = "P" * (SHARED_TEXT_MIN - 1)
    replies = [f'{{"correct": true, "why": "{"x" * 80} {draw}"}}' for draw in range(4)]
    for draw, reply in enumerate(replies):
        verdict = Verdict.judged(
            "correct", prompt=prompt if draw < 3 else short, raw_reply=reply, reasoning="r" * 100
        )
        store.put_draw(_record(store, variant, verdict, draw=draw))
    db = sqlite3.connect(store.path)
    try:
        # the prompt, four replies and the reasoning
        assert db.execute("SELECT COUNT(*) FROM texts").fetchone() == (1 + 4 + 1,)
        kinds = db.execute("SELECT typeof(prompt), typeof(raw_reply) FROM draws ORDER BY draw").fetchall()
        assert kinds == [("blob", "blob")] * 3 + [("text", "blob")]  # a short text stays in its row
        # a draw written before texts were shared (plain TEXT) reads as it is
        db.execute("UPDATE draws SET raw_reply = 'plain old reply' WHERE draw = 1")
        db.commit()
    finally:
        db.close()
    records = sorted(store.iter_records(), key=lambda r: r.draw)
    assert [r.verdict.prompt for r in records] == [prompt] * 3 + [short]
    assert [r.verdict.raw_reply for r in records] == [replies[0], "plain old reply", *replies[2:]]
    assert {r.verdict.reasoning for r in records} == {"r" * 100}
    assert store.lookup(records[0].cache_key) == records[0].verdict
    run = store.record_run(
        RunRecord(
            key="j1-run", judge="test", judge_hash="j1", selection=None, options={"repeats": 4},
            settings=None, variants=1, variants_digest="", cases=None, probes=None, planned=4, created_at="",
            updated_at="",
        ),
        [variant.id],
    )  # fmt: skip
    frame = store.run_frame(run)
    assert list(frame.sort_values("draw")["prompt"]) == [prompt] * 3 + [short]
    assert list(frame.sort_values("draw")["raw_reply"]) == [replies[0], "plain old reply", *replies[2:]]
