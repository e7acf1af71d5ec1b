"""The answer-kind table (judgeprobe.cases.answers.kinds): every row complete, the typed kind, and every
consumer dispatching through the table instead of keeping a list of kinds."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from judgeprobe.cases.answers import alternate_forms, equivalent, grade, normalize, render_ascii
from judgeprobe.cases.answers.kinds import (
    SHIPPED_FAMILIES,
    AnswerKind,
    Folding,
    KindSpec,
    Route,
    UnknownAnswerKind,
    kind_of,
    kind_spec,
    known_kinds,
    register_kind,
)
from judgeprobe.cases.loader import Library, load_library
from judgeprobe.cases.models import GradeCase
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.probes import base_variants

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (
    "multiple_choice", "number", "expression", "set", "tuple", "interval", "group", "complexity_class",
    "chemistry", "date", "boolean", "text", "decimal", "named", "space", "cardinal", "asymptotic",
)  # fmt: skip


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _grade_cases(library: Library, kind: AnswerKind) -> list[GradeCase]:
    return [case for case in library if isinstance(case, GradeCase) and case.answer_kind is kind]


# --- the table ----------------------------------------------------------------------------------------------


def test_shipped_kinds_in_their_order() -> None:
    assert [str(kind) for kind in known_kinds()][: len(SHIPPED)] == list(SHIPPED)
    assert [str(kind) for kind in AnswerKind][: len(SHIPPED)] == list(SHIPPED)
    for name in SHIPPED:
        assert getattr(AnswerKind, name.upper()) is AnswerKind(name)
        assert kind_spec(name).origin == "shipped"
    assert SHIPPED_FAMILIES == ("choice", "maths", "notation", "text", "approximate", "objects")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_row_has_every_slot(name: str, library: Library) -> None:
    kind = AnswerKind(name)
    spec = kind.spec
    assert isinstance(spec, KindSpec) and spec.name == name and spec.description.strip()
    assert isinstance(spec.folding, Folding) and spec.folding.case in ("keep", "lower", "upper")
    assert isinstance(spec.route, Route)
    for slot in ("compare", "hedged", "forms", "render", "lint"):
        assert callable(getattr(spec, slot)), slot
    for flag in ("choices", "tolerance", "recase", "respace"):
        assert isinstance(getattr(spec, flag), bool), flag
    assert spec.length_factor >= 1
    cases = _grade_cases(library, kind)
    assert cases, f"no shipped case of kind {name}"
    # every slot works on a real reference of the kind
    case = cases[0]
    choices = tuple(case.choices.items()) if case.choices else None
    assert list(spec.lint(case.reference.strip(), case.choices)) == []
    assert spec.hedged(case.reference) is False
    assert all(isinstance(form, str) for form in spec.forms(case.reference, kind, choices))
    for style in ("latex", "unicode", "ascii"):
        rendered = spec.render(case.reference, kind, style)  # type: ignore[arg-type]
        assert rendered is None or rendered.strip()
    assert equivalent(case.reference, case.reference, kind=kind, choices=choices).equivalent
    assert grade(case.reference, f"Answer: {case.reference}", kind=kind, choices=choices).equivalent


def test_rows_say_what_the_old_lists_said() -> None:
    """The table reproduces the per-kind rules that used to be spread over the consumers."""
    rows = {str(kind): kind.spec for kind in known_kinds() if str(kind) in SHIPPED}
    maths = {"number", "decimal", "expression", "set", "tuple", "interval"}
    assert {n for n, s in rows.items() if s.route is Route.MATH} == maths
    assert {n for n, s in rows.items() if s.route is Route.MC} == {"multiple_choice"}
    assert {n for n, s in rows.items() if s.route is Route.EXACT} == {"text"}
    assert {n for n, s in rows.items() if s.folding.math_spacing} == maths
    assert {n for n, s in rows.items() if s.folding.math_symbols} == maths | {"group", "complexity_class"}
    assert {n for n, s in rows.items() if s.folding.value_prefixes} == {"number", "decimal", "expression"}
    assert {n for n, s in rows.items() if s.folding.case == "lower"} == {
        "boolean",
        "date",
        "text",
        "multiple_choice",
    }
    assert {n for n, s in rows.items() if s.folding.case == "upper"} == {"complexity_class"}
    assert {n for n, s in rows.items() if s.choices} == {"multiple_choice"}
    assert {n for n, s in rows.items() if s.tolerance} == {"number", "decimal"}
    assert {n for n, s in rows.items() if s.recase} == {"boolean", "date"}
    assert {n for n, s in rows.items() if s.respace} == {"expression", "set", "tuple", "interval", "group"}
    assert {n for n, s in rows.items() if s.length_factor != 1} == {"text", "named"}
    never = {n for n, s in rows.items() if not s.hedged("3 or 4")}
    assert never == {"text", "multiple_choice", "boolean", "chemistry"}


def test_a_row_is_validated_and_registered_once() -> None:
    spec = kind_spec("text")
    with pytest.raises(ValueError, match="already registered"):
        register_kind(spec)
    with pytest.raises(ValueError, match="lower-case letters, digits and '_'"):
        KindSpec(
            name="Roman Numeral",
            description="x",
            folding=Folding(),
            compare=spec.compare,
            hedged=spec.hedged,
            forms=spec.forms,
            route=Route.EXACT,
        )


# --- the typed kind -----------------------------------------------------------------------------------------


def test_answer_kind_is_an_interned_registered_string() -> None:
    kind = AnswerKind("number")
    assert kind is AnswerKind.NUMBER and AnswerKind(kind) is kind
    assert kind == "number" and str(kind) == "number" and kind.value == "number" and f"{kind}" == "number"
    assert hash(kind) == hash("number") and {kind: 1}["number"] == 1
    assert repr(kind) == "AnswerKind('number')"
    assert json.dumps({"k": kind}) == '{"k": "number"}'
    assert pickle.loads(pickle.dumps(kind)) is kind
    assert kind_of(" Number ") is kind and kind_of("nope") is None and kind_of(None) is None
    assert "number" in AnswerKind and "nope" not in AnswerKind and 3 not in AnswerKind


def test_an_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(UnknownAnswerKind) as caught:
        AnswerKind("numbr")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(
        "unknown answer kind 'numbr'; expected one of multiple_choice, number, expression, set, tuple, "
    )
    with pytest.raises(UnknownAnswerKind):
        AnswerKind("NUMBER")  # names are exact in case files; kind_of is the lenient reader
    judgement = equivalent("1", "1", kind="numbr")
    assert judgement.decision == "undecided" and "expected one of multiple_choice" in judgement.reason
    graded = grade("1", "Answer: 1", kind="numbr")
    assert graded.decision == "undecided" and graded.route is None


def test_pydantic_validates_and_serialises_it_as_its_name() -> None:
    adapter = TypeAdapter(AnswerKind)
    assert adapter.validate_python("set") is AnswerKind.SET
    assert adapter.dump_json(AnswerKind.SET) == b'"set"'
    schema = adapter.json_schema()
    assert schema["type"] == "string" and schema["enum"][: len(SHIPPED)] == list(SHIPPED)
    with pytest.raises(Exception, match="Input should be 'multiple_choice', 'number',") as caught:
        adapter.validate_python("sets")
    assert "'boolean', 'text'" in str(caught.value) or "or 'text'" in str(caught.value)


def test_it_travels_typed_and_serialises_unchanged(library: Library) -> None:
    case = library.by_id("hle-z5-direct-sum")
    assert isinstance(case, GradeCase) and case.answer_kind is AnswerKind.GROUP
    variant = next(v for v in base_variants(case) if v.unit_id == "z-power")
    assert variant.answer_kind is AnswerKind.GROUP
    assert variant.id == "ce04b6ce960cfb66"  # the id main gave this variant when the kind was a plain str
    request = JudgeRequest.from_variant(variant)
    assert request.answer_kind is AnswerKind.GROUP
    as_name = JudgeRequest(
        mode=request.mode,
        question=request.question,
        reference=request.reference,
        responses=request.responses,
        response_ids=request.response_ids,
        answer_kind="group",  # type: ignore[arg-type]
    )
    assert as_name.answer_kind is AnswerKind.GROUP  # a name is checked and typed on construction
    assert as_name.content_key() == request.content_key()
    with pytest.raises(UnknownAnswerKind):
        JudgeRequest(
            mode=request.mode,
            question="q",
            reference="r",
            responses=("x",),
            response_ids=("r1",),
            answer_kind="groups",  # type: ignore[arg-type]
        )


# --- consumers dispatch through the table -------------------------------------------------------------------

CONSUMERS = (
    "cases/answers/equivalence.py",
    "cases/answers/normalize.py",
    "cases/answers/forms.py",
    "cases/answers/grading.py",
    "cases/lint.py",
    "cases/models.py",
    "cases/loader.py",
    "harness/judges/builtin.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "probes").rglob("*.py")),
)
"""Modules that must not branch on particular kinds: they read the kind's row."""
ALLOWED = {
    ("cases/answers/grading.py", "MULTIPLE_CHOICE"): "the mc route reads any answer as a letter",
    ("cases/answers/grading.py", "EXPRESSION"): "the math route reads a kind without math as an expression",
    ("harness/judges/builtin.py", "TEXT"): "a grade request without a kind is graded as free text",
}
"""Kind constants a consumer may name, and why: what a route or a missing kind means, not a kind's rules."""


def _named_kinds(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "AnswerKind"
        ):
            names.append(node.attr)
        elif isinstance(node, ast.Constant) and node.value in SHIPPED and node.value != "text":
            names.append(f"{node.value!r}")
    return names


@pytest.mark.parametrize("module", CONSUMERS)
def test_consumers_name_no_kind(module: str) -> None:
    named = [name for name in _named_kinds(ROOT / module) if (module, name) not in ALLOWED]
    assert named == [], f"{module} branches on particular kinds; put the rule in the kind's row instead"


def test_the_scan_sees_a_kind_branch(tmp_path: Path) -> None:
    path = tmp_path / "branching.py"
    path.write_text("if kind is AnswerKind.NUMBER or kind == 'boolean':\n    pass\n", encoding="utf-8")
    assert _named_kinds(path) == ["NUMBER", "'boolean'"]


def test_consumers_read_a_replaced_row_at_call_time() -> None:
    """Swap the boolean row for one that folds nothing and renders in capitals: the consumers follow."""
    original = kind_spec("boolean")
    swapped = KindSpec(
        name="boolean",
        description=original.description,
        folding=Folding(),
        compare=original.compare,
        hedged=original.hedged,
        forms=lambda text, kind, choices: ["AFFIRMATIVE", "yes."],
        render=lambda text, kind, style: text.upper(),
        route=Route.EXACT,
        origin="shipped",
    )
    try:
        register_kind(swapped, replace=True)
        assert render_ascii("yes", kind="boolean") == "YES"
        assert normalize("YES", kind="boolean") == "YES"
        # AFFIRMATIVE is not read as yes once case is kept; "yes." is the same text
        assert alternate_forms("yes", kind="boolean") == ("yes.",)
        assert grade("yes", "Answer: YES", kind="boolean").route is Route.EXACT
        assert not grade("yes", "Answer: YES", kind="boolean").equivalent  # exact route, case kept
    finally:
        register_kind(original, replace=True)
    assert render_ascii("yes", kind="boolean") is None
    assert normalize("YES", kind="boolean") == "yes"
    assert grade("yes", "Answer: YES", kind="boolean").equivalent
