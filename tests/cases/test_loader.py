"""The case loader: safe YAML, line-accurate errors, nothing half-loaded, the Library container."""

from __future__ import annotations

import pickle
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from judgeprobe.cases import loader
from judgeprobe.cases.errors import CaseFileError, DuplicateCaseId
from judgeprobe.cases.loader import Library, builtin_library_dir, load_file, load_library, load_library_report
from judgeprobe.cases.models import AnswerKind, GradeCase, Mode, PairwiseCase, ScoreCase

GOOD = """\
cases:
  - id: half
    question: What is 1/2 as a decimal?
    reference: 0.50
    answer_kind: number
    source: hand-written
    tags: [numbers, decimals]
    responses:
      - id: decimal
        text: 0.5
        label: correct
        why: The same number.
      - id: yes-word
        text: yes
        label: incorrect
        why: Not a number at all.
  - id: pick-shorter
    mode: pairwise
    question: Name a prime.
    source: hand-written
    tags: [pairwise-verbosity]
    responses:
      - {id: short, text: "2", label: better, why: Correct and direct.}
      - {id: long, text: "Nine, which is prime.", label: worse, why: Nine is not prime.}
  - id: rate-it
    mode: score
    question: What is 2 + 2?
    source: hand-written
    tags: [score-calibration]
    responses:
      - {id: right, text: "4", label: [8, 10], why: Correct.}
"""


_FIELDS = [
    "id",
    "mode",
    "question",
    "reference",
    "answer_kind",
    "source",
    "tags",
    "responses",
    "text",
    "label",
    "why",
    "choices",
    "equivalents",
    "reference_doubt",
    "doubt_reason",
    "unknown",
]


def write(folder: Path, name: str, text: str) -> Path:
    """Write a case file (dedented) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def only_error(folder: Path) -> CaseFileError:
    """Load ``folder`` (without the shipped library) and return its single problem."""
    library, errors = load_library_report([folder], include_builtin=False)
    assert library is None
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def grade_case(**overrides: str) -> str:
    """A valid grade case as YAML lines (indented for a ``cases:`` list), with fields replaced."""
    fields = {
        "id": "tc0",
        "question": "Which class?",
        "reference": "TC^0",
        "answer_kind": "complexity_class",
        "source": "hand-written",
        "tags": "[named-object]",
    }
    fields.update(overrides)
    lines = [f"    {key}: {value}" for key, value in fields.items() if value != "<drop>"]
    lines[0] = "  - " + lines[0].lstrip()
    responses = """\
    responses:
      - id: plain
        text: TC0
        label: correct
        why: Same class without the superscript.
"""
    return "cases:\n" + "\n".join(lines) + "\n" + responses


def test_good_file_loads_every_mode_with_scalars_as_written(tmp_path: Path) -> None:
    cases = load_file(write(tmp_path, "good.yaml", GOOD))
    half, pair, score = cases
    assert isinstance(half, GradeCase) and isinstance(pair, PairwiseCase) and isinstance(score, ScoreCase)
    assert half.mode is Mode.GRADE and half.answer_kind is AnswerKind.NUMBER
    assert half.reference == "0.50"  # not the float 0.5: surface forms survive
    assert [r.text for r in half.responses] == ["0.5", "yes"]  # not True
    assert score.responses[0].label == (8, 10)
    assert pair.preferred == "short"


def test_library_container(tmp_path: Path) -> None:
    write(tmp_path, "b/good.yaml", GOOD)
    library = load_library([tmp_path], include_builtin=False)
    assert len(library) == 3 and library.ids == ("half", "pick-shorter", "rate-it")
    assert [case.id for case in library] == list(library.ids)
    assert library.by_id("half").question.startswith("What is 1/2")
    assert "half" in library and "nope" not in library
    assert library.files["pick-shorter"] == (tmp_path / "b" / "good.yaml", 17)
    assert library.line_of("half", ("responses", 1, "label")) == (tmp_path / "b" / "good.yaml", 15)
    assert library.line_of("half", ("responses", 7, "label"))[1] == 8  # nearest enclosing field
    assert library.select(modes=["pairwise"]).ids == ("pick-shorter",)
    assert library.select(kinds=[AnswerKind.NUMBER]).ids == ("half",)
    assert library.select(tags=["decimals", "score-calibration"]).ids == ("half", "rate-it")
    assert library.select(tricks=["numbers"]).ids == ("half",)
    assert library.select(ids=["rate-it"], modes=["grade"]).ids == ()
    assert library.select().ids == library.ids
    with pytest.raises(KeyError, match="did you mean 'half'"):
        library.by_id("halff")


def test_library_rejects_repeated_ids_in_memory(tmp_path: Path) -> None:
    case = load_file(write(tmp_path, "good.yaml", GOOD))[0]
    with pytest.raises(ValueError, match="repeated: half"):
        Library((case, case))


def test_missing_mode_means_grade(tmp_path: Path) -> None:
    (case,) = load_file(write(tmp_path, "c.yaml", grade_case()))
    assert case.mode is Mode.GRADE


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        pytest.param(
            grade_case(reference="<drop>"),
            2,
            "cases[0].reference",
            "missing required field 'reference'",
            id="missing",
        ),
        pytest.param(
            grade_case(tags="named-object"), 7, "cases[0].tags", "expected a list, got", id="wrong-type"
        ),
        pytest.param(
            grade_case(answer_kind="complexity"),
            5,
            "cases[0].answer_kind",
            "expected one of multiple_choice, number,",
            id="unknown-answer-kind",
        ),
        pytest.param(
            grade_case().replace("label: correct", "label: better"),
            11,
            "cases[0].responses[0].label",
            "expected one of correct, incorrect, got 'better'",
            id="label-not-in-mode",
        ),
        pytest.param(
            grade_case(notes="a typo"),
            8,
            "cases[0].notes",
            "unknown field 'notes'; did you mean 'note'?",
            id="unknown",
        ),
        pytest.param(
            grade_case(mode="grading"),
            8,
            "cases[0].mode",
            "expected one of grade, pairwise, score",
            id="bad-mode",
        ),
        pytest.param(grade_case(mode="[grade]"), 8, "cases[0].mode", "got a list", id="mode-not-text"),
        pytest.param(
            grade_case().replace("label: correct", "labell: correct"),
            11,
            "cases[0].responses[0].labell",
            "unknown field 'labell'; did you mean 'label'? allowed fields: author, id, label, text, why",
            id="unknown-response-field",
        ),
        pytest.param(
            grade_case().replace("        why: Same", "        label: incorrect\n        why: Same"),
            12,
            "cases[0].responses[0].label",
            "duplicate key 'label' in one mapping (first at line 11)",
            id="duplicate-key",
        ),
        pytest.param(
            grade_case(reference_doubt="true"),
            2,
            "cases[0]",
            "reference_doubt is true but doubt_reason is missing",
            id="model-rule",
        ),
        pytest.param(
            "cases:\n  - id: x\n    question: [unclosed\n", 4, "syntax", "invalid YAML", id="invalid-yaml"
        ),
        pytest.param(
            "- id: x\n", 1, "cases", "expected a mapping with a top-level 'cases:' list", id="top-list"
        ),
        pytest.param("other: 1\n", 1, "cases", "a mapping without 'cases'", id="no-cases"),
        pytest.param("", 1, "cases", "the file is empty", id="empty"),
        pytest.param(
            "cases: 5\n", 1, "cases", "expected a list of cases, got the value '5'", id="cases-not-list"
        ),
        pytest.param(
            "cases:\n  - just text\n", 2, "cases[0]", "expected a case (a mapping", id="case-not-map"
        ),
        pytest.param(
            "cases: []\nextra: 1\n", 2, "extra", "unknown top-level key 'extra'", id="extra-top-level"
        ),
        pytest.param(
            "cases:\n  - !!python/object:os.system {}\n",
            2,
            "cases[0]",
            "unsupported YAML tag",
            id="unsafe-tag",
        ),
        pytest.param(
            "cases:\n  - &a {id: x}\n  - <<: *a\n",
            3,
            "cases[1]",
            "merge keys ('<<') are not supported",
            id="merge",
        ),
    ],
)
def test_malformed_file_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    library, errors = load_library_report([tmp_path], include_builtin=False)
    assert library is None and errors
    error = next((e for e in errors if e.field == field), errors[0])
    assert (error.path, error.line, error.field) == (path, line, field), str(error)
    assert message in error.message
    assert str(error) == f"{path}:{line}: {field}: {error.message}"


def test_single_problem_is_reported_once(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", grade_case(tags="named-object"))
    assert only_error(tmp_path).field == "cases[0].tags"


def test_list_too_short_only_because_items_failed_is_not_reported_twice(tmp_path: Path) -> None:
    text = grade_case().replace("label: correct", "label: right")
    write(tmp_path, "bad.yaml", text)
    error = only_error(tmp_path)
    assert error.message == "expected one of correct, incorrect, got 'right'"


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", grade_case())
    second = write(tmp_path, "sub/z.yaml", "\n\n" + grade_case())
    error = only_error(tmp_path)
    assert isinstance(error, DuplicateCaseId)
    assert (error.path, error.line, error.field) == (second, 4, "cases[0].id")
    assert f"duplicate case id 'tc0'; first defined at {first}:2" in str(error)


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    text = grade_case() + grade_case().removeprefix("cases:\n")
    path = write(tmp_path, "a.yaml", text)
    with pytest.raises(DuplicateCaseId, match="first defined at line 2") as info:
        load_file(path)
    assert info.value.line == 13


def test_nothing_is_half_loaded(tmp_path: Path) -> None:
    write(tmp_path, "a-good.yaml", GOOD)
    bad = write(tmp_path, "b-bad.yaml", grade_case(answer_kind="nope") + "  - 5\n")
    with pytest.raises(CaseFileError) as info:
        load_library([tmp_path], include_builtin=False)
    assert info.value.path == bad
    assert any("1 more problem" in note for note in info.value.__notes__)
    library, errors = load_library_report([tmp_path], include_builtin=False)
    assert library is None and len(errors) == 2


def test_all_problems_across_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", grade_case(answer_kind="nope"))
    write(tmp_path, "b.yaml", "cases: [")
    write(tmp_path, "c.yaml", GOOD.replace("label: worse", "label: worser"))
    _, errors = load_library_report([tmp_path], include_builtin=False)
    assert [(e.path.name, e.field) for e in errors] == [
        ("a.yaml", "cases[0].answer_kind"),
        ("b.yaml", "syntax"),
        ("c.yaml", "cases[1].responses[1].label"),
    ]


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    bomb = ["cases:", "  - &l0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 8)]
    write(tmp_path, "bomb.yaml", "\n".join(bomb) + "\n")
    assert "more than" in only_error(tmp_path).message


def test_recursive_alias_is_bounded(tmp_path: Path) -> None:
    write(tmp_path, "loop.yaml", "cases: &a [*a]\n")
    assert only_error(tmp_path).field == "file"


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.yaml").write_bytes("cases: []\n# caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in only_error(tmp_path).message


def test_missing_extra_folder(tmp_path: Path) -> None:
    error = only_error(tmp_path / "absent")
    assert "no such file or folder" in str(error)


def test_same_folder_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "good.yaml", GOOD)
    library = load_library([tmp_path, path], include_builtin=False)
    assert len(library) == 3


def test_builtin_library_dir_is_the_package_folder() -> None:
    folder = builtin_library_dir()
    assert folder.name == "library" and folder.parent.name == "cases"
    assert folder.is_dir()


def test_pure_python_safe_loader_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write(tmp_path, "good.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", "cases:\n  - id: x\n    question: [unclosed\n")
    fast = load_file(good)
    monkeypatch.setattr(loader, "SAFE_LOADER", yaml.SafeLoader)
    assert load_file(good) == fast
    with pytest.raises(CaseFileError, match="invalid YAML") as info:
        load_file(bad)
    assert (info.value.line, info.value.field) == (4, "syntax")


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.sampled_from(["grade", "id"])
)
_trees = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=6),
    max_leaves=25,
)


@given(text=st.text(max_size=300))
def test_any_text_yields_a_library_or_errors_never_a_crash(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "fuzz.yaml").write_text(text, encoding="utf-8")
        library, errors = load_library_report([Path(folder)], include_builtin=False)
    assert (library is None) == bool(errors)
    assert all(isinstance(error, CaseFileError) and error.path.name == "fuzz.yaml" for error in errors)


@pytest.mark.slow
@given(cases=st.lists(_trees, max_size=3))
def test_any_structure_yields_a_library_or_errors_never_a_crash(cases: list[object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "fuzz.yaml").write_text(yaml.safe_dump({"cases": cases}), encoding="utf-8")
        library, errors = load_library_report([Path(folder)], include_builtin=False)
    assert (library is None) == bool(errors)
    assert all(error.line is not None and error.field for error in errors)


def test_library_pickles(tmp_path: Path) -> None:
    library = load_library([write(tmp_path, "good.yaml", GOOD)], include_builtin=False)
    again = pickle.loads(pickle.dumps(library))
    assert again == library and again.by_id("half") == library.by_id("half")
    assert again.line_of("half", ("responses", 1)) == library.line_of("half", ("responses", 1))


def test_a_yml_file_is_not_silently_skipped(tmp_path: Path) -> None:
    write(tmp_path, "mine.yml", GOOD)
    error = only_error(tmp_path)
    assert str(error) == f"{tmp_path / 'mine.yml'}: file: case files end in .yaml; rename it"


def test_responses_may_carry_an_author(tmp_path: Path) -> None:
    path = tmp_path / "authored.yaml"
    path.write_text(
        "cases:\n"
        "  - id: authored\n"
        "    question: What is 2 + 2?\n"
        "    reference: '4'\n"
        "    answer_kind: number\n"
        "    source: generated\n"
        "    responses:\n"
        "      - {id: a, text: '4', label: correct, why: right, author: {model: m-1, family: fam}}\n"
        "      - {id: b, text: '5', label: incorrect, why: wrong, author: {model: m-2}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CaseFileError) as caught:
        load_file(path)
    assert caught.value.line == 9 and "responses[1].author.family" in str(caught.value)
    path.write_text(path.read_text(encoding="utf-8").replace("model: m-2}", "model: m-2, family: other}"))
    (case,) = load_file(path)
    assert [r.author.family if r.author else None for r in case.responses] == ["fam", "other"]
