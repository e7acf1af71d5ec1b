"""Responses with authors: a model answers the library's questions, the reference graders label the answers,
and a case folder keeps them (``judgeprobe generate``).

Any judge backend can be the generator: it is loaded from its spec with the shipped answer template
(``harness/templates/answer.txt``, unless the configuration names its own), asked one grade-mode request per
question (question and choices; no reference, an empty response), and its **reply text** is the answer —
the LLM backends' completion, or what a ``python``/``command`` generator returns as ``{"reply": "…"}``
(see ``docs/judge-contract.md``). The answer is then graded by a reference grader (``builtin:reference``
by default) against the case's reference: a ``correct`` or ``incorrect`` verdict becomes the response's
label; an answer the grader cannot decide is left out and listed (a label must be adjudicated, never
guessed).

The folder holds one file, ``generated.yaml``: every selected grade case (its question, reference and answer
forms copied from the library) with its responses — the library's own, then one per generating model,
each with its ``author`` (model and family). Running ``generate`` again with another model adds that
model's answers to the same cases; running it again with the same model asks only the questions it has not
answered yet (a failed call is retried on the next run). Response ids are neutral (``gen-`` and a hash of
the model name), so the author is never visible to a judge, not even through a response id.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from judgeprobe.cases.loader import load_file
from judgeprobe.cases.models import Author, GradeCase, GradeResponse, Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, load_config, load_judge

__all__ = [
    "ANSWER_TEMPLATE",
    "GENERATED_FILE",
    "Generated",
    "default_family",
    "generate_cases",
    "generator_config",
    "response_id",
]

ANSWER_TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "answer.txt"
"""The shipped prompt that asks a model to answer a case's question."""
GENERATED_FILE = "generated.yaml"
"""The file ``generate`` writes in its output folder."""
GRADED_WHY = "Graded {label} by {grader} against the reference."
"""The adjudication a generated response carries."""


@dataclass
class Generated:
    """What one ``generate`` call did."""

    path: Path
    """The case file written."""
    author: Author
    """Who answered."""
    asked: int = 0
    """Questions sent to the generator in this call."""
    kept: int = 0
    """Questions this model had already answered in the file (not asked again)."""
    correct: int = 0
    """New answers graded correct."""
    incorrect: int = 0
    """New answers graded incorrect."""
    ungraded: list[str] = field(default_factory=list)
    """Case ids whose answer the grader could not decide (left out)."""
    failed: list[str] = field(default_factory=list)
    """Case ids the generator gave no reply for (errors, skips); rerun to retry them."""


def default_family(model: str) -> str:
    """The family a model name suggests: its leading letters, lower-cased (``gpt-4o-mini`` -> ``gpt``,
    ``claude-3-5-sonnet`` -> ``claude``, ``meta-llama/Llama-3-8B`` -> ``llama``)."""
    tail = model.rsplit("/", 1)[-1]
    match = re.match(r"[A-Za-z]+", tail)
    return match.group(0).lower() if match else "model"


def response_id(model: str) -> str:
    """The neutral response id of ``model``'s answers: ``gen-`` and eight hex digits of its name's hash."""
    return "gen-" + hashlib.sha256(model.encode()).hexdigest()[:8]


def generator_config(spec: str) -> JudgeConfig:
    """The generator's configuration: the spec (or TOML file) with the answer template unless it names one."""
    config = load_config(spec)
    if config.template:
        return config
    return config.model_copy(update={"template": str(ANSWER_TEMPLATE)})


def _answer_request(case: GradeCase) -> JudgeRequest:
    return JudgeRequest(
        mode=Mode.GRADE,
        question=case.question,
        reference=None,
        responses=("",),
        response_ids=("answer",),
        answer_kind=case.answer_kind,
        choices=tuple(case.choices.items()) if case.choices else None,
    )


def _grade_request(case: GradeCase, answer: str, rid: str) -> JudgeRequest:
    return JudgeRequest(
        mode=Mode.GRADE,
        question=case.question,
        reference=case.reference,
        responses=(answer,),
        response_ids=(rid,),
        answer_kind=case.answer_kind,
        choices=tuple(case.choices.items()) if case.choices else None,
        rules=case.rules,  # the case's tolerance and aliases, as the reference grader reads them
    )


async def _ask(
    generator: Judge, grader: Judge, cases: Sequence[GradeCase], rid: str, concurrency: int
) -> dict[str, tuple[str, str] | str]:
    """Case id -> (answer, label), or a reason string when there is no usable labelled answer."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: GradeCase) -> tuple[str, tuple[str, str] | str]:
        async with gate:
            reply = await generator.judge(_answer_request(case))
        if reply.status in (Status.ERROR, Status.SKIPPED) or reply.raw_reply is None:
            return case.id, f"failed: {reply.reason or 'no reply'}"
        answer = reply.raw_reply.strip()
        graded = await grader.judge(_grade_request(case, answer, rid))
        if graded.status is not Status.JUDGED or graded.outcome not in ("correct", "incorrect"):
            return case.id, f"ungraded: {graded.reason or 'no verdict'}"
        return case.id, (answer, graded.outcome)

    try:
        return dict(await asyncio.gather(*(one(case) for case in cases)))
    finally:
        await generator.aclose()
        await grader.aclose()


def _case_data(case: GradeCase) -> dict[str, Any]:
    data: dict[str, Any] = case.model_dump(mode="json", exclude_defaults=True, exclude={"responses"})
    data["responses"] = [r.model_dump(mode="json", exclude_none=True) for r in case.responses]
    return data


def generate_cases(
    cases: Sequence[GradeCase],
    *,
    generator: str | Judge,
    out: Path,
    author: Author | None = None,
    grader: str = "builtin:reference",
    concurrency: int = 4,
) -> Generated:
    """Have ``generator`` answer every case in ``cases``, grade the answers, and write ``out/generated.yaml``.

    Args:
        cases: Grade cases whose questions to ask (others are ignored).
        generator: A judge spec or TOML path (loaded with :func:`generator_config`), or a loaded judge.
        out: Output folder (created); an existing ``generated.yaml`` there is extended.
        author: Who answers (default: the configuration's model, else the judge's name, and
            :func:`default_family` of it).
        grader: The reference grader that labels the answers.
        concurrency: Generator calls in flight.
    """
    judge = generator if isinstance(generator, Judge) else load_judge(generator_config(generator))
    if author is None:
        model = getattr(getattr(judge, "config", None), "model", None) or judge.name
        author = Author(model=model, family=default_family(model))
    out.mkdir(parents=True, exist_ok=True)
    path = out / GENERATED_FILE
    existing = (
        {case.id: case for case in load_file(path) if isinstance(case, GradeCase)} if path.exists() else {}
    )
    rid = response_id(author.model)
    result = Generated(path=path, author=author)
    grade_cases = [case for case in cases if isinstance(case, GradeCase)]
    todo = []
    for case in grade_cases:
        before = existing.get(case.id)
        if before is not None and any(r.id == rid for r in before.responses):
            result.kept += 1
        else:
            todo.append(case)
    result.asked = len(todo)
    answers = asyncio.run(_ask(judge, load_judge(grader), todo, rid, concurrency)) if todo else {}
    written: list[dict[str, Any]] = []
    for case in grade_cases:
        base = existing.get(case.id, case)
        found = answers.get(case.id)
        if isinstance(found, tuple):
            answer, label = found
            new = GradeResponse(
                id=rid, text=answer, label=label,
                why=GRADED_WHY.format(label=label, grader=grader), author=author,
            )  # fmt: skip
            base = base.model_copy(update={"responses": (*base.responses, new)})
            result.correct += label == "correct"
            result.incorrect += label == "incorrect"
        elif isinstance(found, str):
            (result.failed if found.startswith("failed") else result.ungraded).append(case.id)
        written.append(_case_data(base))
    written += [_case_data(c) for cid, c in existing.items() if cid not in {g.id for g in grade_cases}]
    header = (
        "# Written by `judgeprobe generate`: questions answered by models, graded by a reference grader.\n"
    )
    text = yaml.safe_dump({"cases": written}, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(header + text, encoding="utf-8")
    load_file(path)  # the file must read back through the users' loader
    return result
