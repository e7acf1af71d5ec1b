"""Console examples in the docs, rerun: what README.md and docs/*.md show is what the commands print.

A Markdown file marks the blocks to check with HTML comments (invisible once rendered), each naming a
*session*: the blocks of one session run in order, in one temporary folder, so a later block sees what an
earlier one did. Markers:

``<!-- console: SESSION [root=PATH] [as=DIR] -->`` before a fenced block of ``$ command`` lines and their
    output. The commands run and their output (standard output and error, interleaved) must match the block.
    ``root=PATH`` copies that folder of the repository into the session's temporary folder, at the same
    relative path, and commits it to a fresh git repository there (so ``git checkout FILE`` and ``git show``
    work); the session starts in the temporary folder itself. ``as=DIR`` shows the temporary folder as
    ``DIR`` in the output (for absolute paths in messages).
``<!-- apply: SESSION PATH -->`` before a fenced ``diff`` block: its ``-`` lines must be lines of ``PATH``
    (relative to the session's folder) and are replaced by its ``+`` lines.
``<!-- file: SESSION PATH -->`` before a fenced block, or before plain Markdown ended by ``<!-- end -->``:
    the block must match the file ``PATH`` (relative to the session's current folder).
``commands-only`` in a console marker: the block shows commands without their output; each must exit 0, or
    the status its comment names (``# … exit 1``).

Commands understood: ``judgeprobe …`` and ``pytest …`` (run with this interpreter), ``cd DIR``,
``echo $?``, any other program on ``PATH`` (``git``, ``sed``, ``cp``, ``mkdir``), ``A && B``, and ``> FILE``.
Nothing goes through a shell.

Matching: a line ``…`` or ``...`` in the documented output stands for any number of lines; trailing spaces
do not count; progress lines (``judging: …``) are dropped; judge hashes and run keys (hex), and durations
(``in 3.42s``, ``took 29s``) are normalised on both sides. Every other character — counts, rates,
intervals, verdicts, case names — must be exactly what the command prints today.

Run it as a script to see every block's actual output beside the documented one:
``python tests/docs_console.py [--show] [FILE ...]`` (exit 1 when a block differs; ``--show`` prints every
block's actual output, to paste into a new example).
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "docs/*.md", "examples/*/README.md")
"""Files searched for markers, relative to the repository root."""

_MARKER = re.compile(r"^\s*<!--\s*(console|apply|file):\s*(.*?)\s*-->\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
"""A fence, possibly indented (a block inside a list item); the block's lines lose that indentation."""
_ELLIPSIS = {"…", "..."}
_HEX = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{8}\b|\b[0-9a-f]{16}\b|\b[0-9a-f]{8}(?=-all\b)")
_DURATION = re.compile(r"\b(in|took) \d+(\.\d+)?(s|m\d+s)\b")
_RULER = re.compile(r"^=+ (.*?) =+$")
"""pytest's summary line, padded with ``=`` to the terminal's width (the padding varies with the duration)."""


@dataclass
class Block:
    """One marked block of a document."""

    document: Path
    """The Markdown file."""
    line: int
    """1-based line of the marker."""
    kind: str
    """``console``, ``apply`` or ``file``."""
    session: str
    """The session the block belongs to."""
    args: dict[str, str]
    """``key=value`` options of the marker; ``path`` for apply and file blocks."""
    text: list[str]
    """The block's lines (inside the fence, or up to ``<!-- end -->``)."""

    @property
    def where(self) -> str:
        """``FILE:LINE`` of the marker."""
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    """Every Markdown file the checker reads."""
    found: list[Path] = []
    for pattern in DOCUMENTS:
        found += sorted(ROOT.glob(pattern))
    return found


def blocks(document: Path) -> list[Block]:
    """The marked blocks of ``document``, in order."""
    lines = document.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        marker = _MARKER.match(lines[i])
        if marker is None:
            i += 1
            continue
        kind, rest = marker.groups()
        words = shlex.split(rest)
        session = words[0]
        args = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        positional = [w for w in words[1:] if "=" not in w]
        for word in positional:
            if word == "commands-only":
                args[word] = "yes"
            else:
                args["path"] = word
        j = i + 1
        fence = _FENCE.match(lines[j]) if j < len(lines) else None
        if fence is not None:
            indent, ticks = fence.group(1), fence.group(2)
            end = next(k for k in range(j + 1, len(lines)) if lines[k].startswith(indent + ticks))
            text = [line[len(indent) :] if line.startswith(indent) else line for line in lines[j + 1 : end]]
        else:
            end = next(k for k in range(j, len(lines)) if lines[k].strip() == "<!-- end -->")
            text = [line for line in lines[j:end]]
            while text and not text[0].strip():
                text.pop(0)
            while text and not text[-1].strip():
                text.pop()
        out.append(Block(document, i + 1, kind, session, args, text))
        i = end + 1
    return out


def sessions(paths: list[Path] | None = None) -> dict[str, list[Block]]:
    """Blocks by session name (``document-stem:session``), in document order."""
    found: dict[str, list[Block]] = {}
    for document in paths or documents():
        for block in blocks(document):
            found.setdefault(f"{document.relative_to(ROOT)}:{block.session}", []).append(block)
    return found


def normalise(lines: list[str]) -> list[str]:
    """Lines with trailing spaces, progress lines, hashes and durations normalised."""
    out = []
    for line in lines:
        line = line.rstrip()
        if line.startswith("judging: "):
            continue
        line = _HEX.sub("<hex>", line)
        line = _DURATION.sub(r"\1 <time>", line)
        line = _RULER.sub(r"== \1 ==", line)
        out.append(line)
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` matches ``expected``, where a ``…`` line of ``expected`` matches any lines."""
    want, got = normalise(expected), normalise(actual)
    # ok[j]: want[i:] matches got[j:], computed from the last documented line up
    ok = [j == len(got) for j in range(len(got) + 1)]
    for line in reversed(want):
        if line.strip() in _ELLIPSIS:
            ok = [any(ok[j:]) for j in range(len(got) + 1)]
        else:
            ok = [j < len(got) and got[j] == line and ok[j + 1] for j in range(len(got) + 1)]
    return ok[0]


@dataclass
class Session:
    """A temporary folder where a session's commands run."""

    root: Path
    """The temporary folder."""
    shown_as: str | None = None
    """How the folder is shown in documented output."""
    cwd: Path = field(init=False)
    """The current folder."""
    status: int = 0
    """Exit status of the last command."""

    def __post_init__(self) -> None:
        self.cwd = self.root

    def copy(self, folder: str) -> None:
        """Copy a repository folder in at the same relative path and commit everything to a fresh git repo."""
        shutil.copytree(
            ROOT / folder,
            self.root / folder,
            ignore=shutil.ignore_patterns("judgeprobe-out", "gate.md", "diff.md", "__pycache__"),
        )
        git = [
            "git",
            "-c",
            "user.name=docs",
            "-c",
            "user.email=docs@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "docs session"]):
            subprocess.run([*git, *args], cwd=self.root, check=True, capture_output=True)

    def run(self, command: str) -> list[str]:
        """Run one ``$`` line; its output lines."""
        output: list[str] = []
        for part in _split(shlex.split(command, comments=True)):
            output += self._one(part)
            if self.status != 0:
                break
        return output

    def _one(self, words: list[str]) -> list[str]:
        target = None
        if ">" in words:
            at = words.index(">")
            words, target = words[:at], words[at + 1]
        if words[0] == "cd":
            self.cwd = (self.cwd / words[1]).resolve()
            self.status = 0
            return []
        if words == ["echo", "$?"]:
            return [str(self.status)]
        if words[0] == "judgeprobe":
            words = [sys.executable, "-m", "judgeprobe.harness.cli", *words[1:]]
        elif words[0] == "pytest":
            words = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *words[1:]]
        env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("GITHUB_STEP_SUMMARY", None)
        proc = subprocess.run(
            words, cwd=self.cwd, env=env, text=True, check=False, timeout=1800,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE if target else subprocess.STDOUT,
        )  # fmt: skip
        self.status = proc.returncode
        text = proc.stdout
        if target is not None:
            (self.cwd / target).write_text(text, encoding="utf-8")
            text = proc.stderr
        if self.shown_as is not None:
            text = text.replace(str(self.root), self.shown_as)
        return text.splitlines()


def _split(words: list[str]) -> Iterator[list[str]]:
    part: list[str] = []
    for word in words:
        if word == "&&":
            yield part
            part = []
        else:
            part.append(word)
    if part:
        yield part


@dataclass
class Outcome:
    """What one block showed against what it documents."""

    block: Block
    """The block."""
    actual: list[str]
    """What the commands printed (or the file holds)."""

    @property
    def ok(self) -> bool:
        """The block matches."""
        return matches(self.block.text, self.actual)

    def diff(self) -> str:
        """A unified diff, documented -> actual."""
        return "\n".join(
            difflib.unified_diff(
                normalise(self.block.text), normalise(self.actual), "documented", "actual", lineterm=""
            )
        )


def check(session_blocks: list[Block], workdir: Path) -> Iterator[Outcome]:
    """Run one session's blocks in ``workdir``; one outcome per block (apply blocks raise when they fail)."""
    first = session_blocks[0]
    session = Session(workdir, shown_as=first.args.get("as"))
    if "root" in first.args:
        session.copy(first.args["root"])
    for block in session_blocks:
        if block.kind == "apply":
            _apply(session.root / block.args["path"], block)
            continue
        if block.kind == "file":
            path = session.cwd / block.args["path"]
            yield Outcome(block, path.read_text(encoding="utf-8").splitlines() if path.is_file() else [])
            continue
        actual: list[str] = []
        for line in block.text:
            if not line.startswith("$ "):
                continue
            actual.append(line)
            output = session.run(line[2:])
            if "commands-only" not in block.args:
                actual += output
            elif session.status != _expected_status(line):
                actual += [f"(exit status {session.status})", *output]
        yield Outcome(block, actual)


def _expected_status(line: str) -> int:
    """A command-only line's expected exit status: ``# … exit N`` in its comment, else 0."""
    found = re.search(r"#.*\bexit (\d+)", line)
    return int(found.group(1)) if found else 0


def _apply(path: Path, block: Block) -> None:
    text = path.read_text(encoding="utf-8").splitlines()
    removed = [line[1:] for line in block.text if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in block.text if line.startswith("+") and not line.startswith("+++")]
    for line in removed:
        if line not in text:
            raise AssertionError(
                f"{block.where}: the diff removes a line {path.name} does not have: {line!r}"
            )
    at = text.index(removed[0]) if removed else len(text)
    kept = [line for line in text if line not in removed]
    path.write_text("\n".join([*kept[:at], *added, *kept[at:]]) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    """Check the named documents (default: all); print each failing block's diff (``--show``: every block's
    actual output)."""
    show = "--show" in argv
    paths = [Path(a).resolve() for a in argv if a != "--show"] or None
    failed = 0
    for name, found in sessions(paths).items():
        with tempfile.TemporaryDirectory(prefix="docs-") as tmp:
            for outcome in check(found, Path(tmp)):
                mark = "ok  " if outcome.ok else "DIFF"
                print(f"{mark} {outcome.block.where} ({name})")
                if not outcome.ok:
                    failed += 1
                    print(outcome.diff())
                if show or not outcome.ok:
                    print("--- actual output, in full:")
                    print("\n".join(outcome.actual))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
