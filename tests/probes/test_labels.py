"""Score labels: one pair type, one parser, the text form only where labels are stored."""

from __future__ import annotations

import pytest

from judgeprobe.cases.loader import load_library
from judgeprobe.harness.store.frame import agrees_with_label
from judgeprobe.probes.labels import ScoreLabel
from judgeprobe.probes.units import base_variants


def test_a_label_round_trips_through_its_stored_form() -> None:
    label = ScoreLabel(3, 5)
    assert str(label) == "3-5"
    assert ScoreLabel.parse(str(label)) == label == (3, 5)
    assert label.contains(3) and label.contains(4.5) and label.contains(5)
    assert not label.contains(2.99) and not label.contains(6)


@pytest.mark.parametrize("text", ["correct", "tie", "a", "3", "3-", "-3", "3-x", "5-3", "1.5-2", "3--5", ""])
def test_anything_else_is_not_a_score_label(text: str) -> None:
    assert ScoreLabel.parse(text) is None


def test_every_score_unit_of_the_library_carries_a_parseable_label() -> None:
    library = load_library([], include_builtin=True)
    score_cases = [case for case in library.cases if str(case.mode) == "score"]
    assert score_cases
    for case in score_cases:
        for variant in base_variants(case):
            label = ScoreLabel.parse(variant.label)
            assert label is not None, variant.label
            response = next(r for r in case.responses if r.id == variant.unit_id)
            assert label == tuple(response.label)


def test_agreement_with_a_score_label_reads_the_range_through_the_parser() -> None:
    assert agrees_with_label("score", "2-4", "3", None) is True
    assert agrees_with_label("score", "2-4", "5", None) is False
    assert agrees_with_label("score", "2-4", "x", 4.0) is True  # the numeric score wins over the text
    assert agrees_with_label("score", "not-a-range", "3", None) is None
    assert agrees_with_label("grade", "correct", "correct", None) is True
