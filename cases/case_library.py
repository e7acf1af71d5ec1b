"""A loaded, validated set of cases: iterate it, index it by id, narrow it by tag, kind, trick or mode."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from judgeprobe.cases.models import AnswerKind, AnyCase, GradeCase, Mode
from judgeprobe.cases.validation import nearest_line
from judgeprobe.cases.yaml_tree import FieldPath

__all__ = ["Library"]


@dataclass(frozen=True)
class Library:
    """A loaded, validated set of cases. Iterate it, index it by id, or narrow it with :meth:`select`."""

    cases: tuple[AnyCase, ...] = ()
    """Every case, in load order (shipped files by name, then each extra folder's files by path)."""
    files: Mapping[str, tuple[Path, int]] = field(default_factory=dict)
    """Case id -> (file, line of the case); empty for cases built in memory."""
    lines: Mapping[str, Mapping[FieldPath, int]] = field(default_factory=dict, repr=False)
    """Case id -> field path (relative to the case, such as ``("responses", 1, "why")``) -> line."""
    _index: dict[str, AnyCase] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [case.id for case in self.cases]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"case ids must be unique in a Library; repeated: {', '.join(twice)}")
        object.__setattr__(self, "_index", {case.id: case for case in self.cases})
        object.__setattr__(self, "files", dict(self.files))
        object.__setattr__(self, "lines", {k: dict(v) for k, v in self.lines.items()})

    def __iter__(self) -> Iterator[AnyCase]:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._index

    @property
    def ids(self) -> tuple[str, ...]:
        """Case ids in load order."""
        return tuple(case.id for case in self.cases)

    def by_id(self, case_id: str) -> AnyCase:
        """The case with this id.

        Raises:
            KeyError: no such case; the message suggests close ids.
        """
        try:
            return self._index[case_id]
        except KeyError:
            close = difflib.get_close_matches(case_id, self._index, n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"unknown case id {case_id!r}{hint}") from None

    def line_of(self, case_id: str, path: FieldPath = ()) -> tuple[Path | None, int | None]:
        """File and line of a case's field (or of the nearest enclosing one), for messages."""
        file, _ = self.files.get(case_id, (None, None))
        return file, nearest_line(self.lines.get(case_id, {}), path)

    def select(
        self,
        *,
        tags: Iterable[str] = (),
        kinds: Iterable[AnswerKind | str] = (),
        tricks: Iterable[str] = (),
        modes: Iterable[Mode | str] = (),
        ids: Iterable[str] = (),
    ) -> Library:
        """The cases matching every filter given (an empty filter matches everything).

        Args:
            tags: keep cases carrying any of these tags.
            kinds: keep grade cases whose ``answer_kind`` is one of these.
            tricks: keep cases whose trick kind (first tag) is one of these.
            modes: keep cases of these modes.
            ids: keep cases with these ids.
        """
        tag_set, kind_set, trick_set = set(tags), {str(k) for k in kinds}, set(tricks)
        mode_set, id_set = {str(m) for m in modes}, set(ids)
        kept = tuple(
            case
            for case in self.cases
            if (not tag_set or tag_set & set(case.tags))
            and (not kind_set or (isinstance(case, GradeCase) and str(case.answer_kind) in kind_set))
            and (not trick_set or (case.tags and case.tags[0] in trick_set))
            and (not mode_set or str(case.mode) in mode_set)
            and (not id_set or case.id in id_set)
        )
        keep = {case.id for case in kept}
        return Library(
            kept,
            files={k: v for k, v in self.files.items() if k in keep},
            lines={k: v for k, v in self.lines.items() if k in keep},
        )
