"""The ``command`` backend: a program that reads one request as JSON on stdin and writes one verdict as JSON
on stdout (the contract is in ``docs/judge-contract.md``).

Spec ``command:PROGRAM ARG...``. The words are split with :func:`shlex.split` and the program is started
with :func:`asyncio.create_subprocess_exec` — never through a shell, so nothing in the spec or in a request
is ever interpreted by one. One process per draw; it inherits the environment (so it can read its own API
key). A program that runs longer than ``timeout_s`` is killed (error ``timeout``); a non-zero exit is an
error ``crash`` with the tail of its stderr; stdout that is not a JSON object is unscored with the stdout
kept as the raw reply.

**Relative files.** A configuration read from a TOML file finds relative files named in its command next
to that file: the program, when it is written as a path (``./judge.sh``, ``bin/judge``), and any argument
(not starting with ``-``) that names an existing file there. So ``target = "python standin_judge.py"``
works from any working directory. A bare program name (``python``) is looked up on ``PATH``; a spec string
resolves against the working directory. The target is hashed as written, so the judge's hash does not
depend on where the repository is checked out.

**Prompt.** When the configuration names a ``template``, each request is rendered through
:mod:`judgeprobe.harness.judges.templating` and the prompt travels in the request's extra ``"prompt"`` field;
the template text is part of the configuration hash, and requests of other modes than the template's are
skipped (see :mod:`judgeprobe.harness.judges.configured_template`). Without a template the field is absent.
The rendered prompt is recorded in ``Verdict.prompt`` for audit.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.configured_template import ConfiguredTemplate, PromptingJudge
from judgeprobe.harness.judges.contract import request_payload, verdict_from_answer
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.templating import ChatMessage

__all__ = ["CommandJudge", "split_command"]

_STDERR_TAIL = 500


class CommandJudge(PromptingJudge):
    """A judge that runs a program per draw and speaks JSON over its stdin and stdout."""

    def __init__(self, config: JudgeConfig) -> None:
        """Split the command line, find its files, check that the program exists, load the template."""
        words = split_command(config.target, windows=os.name == "nt")
        if not words:
            raise ConfigError("the command backend needs a program: command:PROGRAM ARG...")
        argv = _resolve_files(words, config.base_dir)
        program = words[0]
        found = (
            shutil.which(argv[0]) if "/" not in argv[0] else (argv[0] if Path(argv[0]).is_file() else None)
        )
        if found is None:
            raise ConfigError(
                f"command judge program {program!r} was not found (not on PATH and not an existing file)"
            )
        if not os.access(found, os.X_OK):
            raise ConfigError(
                f"command judge program {program!r} is not executable; chmod +x it or name its interpreter "
                f"first, e.g. command:python3 {program}"
            )
        self.argv = argv
        self.timeout_s = config.timeout_s
        self.prompting = ConfiguredTemplate.resolve(config)
        self.config = self.prompting.config
        self.config_hash = self.config.content_hash()
        self.name = self.config.display_name()

    def __repr__(self) -> str:
        return f"CommandJudge(argv={self.argv!r})"

    async def _call(
        self, request: JudgeRequest, prompt: str | None, messages: tuple[ChatMessage, ...] | None
    ) -> Verdict:
        payload = request_payload(request)
        if prompt is not None and messages is not None:
            payload["prompt"] = prompt
            payload["messages"] = [m.to_dict() for m in messages]
        data = (json.dumps(payload, ensure_ascii=False) + "\n").encode()
        started = time.perf_counter()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            return Verdict.error(ErrorKind.CRASH, f"cannot start {self.argv[0]!r}: {exc.strerror or exc}")
        try:
            out, err = await asyncio.wait_for(proc.communicate(data), timeout=self.timeout_s)
        except TimeoutError:
            return Verdict.error(
                ErrorKind.TIMEOUT, f"judge program gave no answer within {self.timeout_s:g} s"
            )
        finally:
            if proc.returncode is None:  # timed out or cancelled: do not leave the program running
                proc.kill()
                await proc.wait()
        latency = time.perf_counter() - started
        stdout = out.decode("utf-8", errors="replace")
        stderr = err.decode("utf-8", errors="replace").strip()
        if proc.returncode != 0:
            tail = stderr[-_STDERR_TAIL:] or "(no stderr)"
            return Verdict.error(
                ErrorKind.CRASH,
                f"judge program exited with status {proc.returncode}: {tail}",
                raw_reply=stdout or None,
                latency_s=latency,
                meta={"exit_status": proc.returncode},
            )
        answer = _read_answer(stdout)
        if answer is None:
            reason = (
                "judge program wrote nothing on stdout"
                if not stdout.strip()
                else "stdout is not a JSON object"
            )
            return Verdict.unscored(reason, raw_reply=stdout, latency_s=latency)
        verdict = verdict_from_answer(answer, request, raw=stdout, reply=self.config.reply)
        return replace(verdict, latency_s=latency, raw_reply=verdict.raw_reply or stdout)


_WINDOWS_PATH = re.compile(r"(?:^|\s)(?:[A-Za-z]:\\|\\\\[^\\\s])")
"""An unquoted Windows path at the start of a word: ``C:\\tools\\judge.exe`` or ``\\\\server\\share``."""


def split_command(target: str, *, windows: bool) -> list[str]:
    """The words of a command spec.

    POSIX rules (:func:`shlex.split`) on POSIX systems, where a backslash escapes the next character: an
    unquoted Windows path would silently lose its backslashes (``C:\\tools\\judge.exe`` becoming
    ``C:toolsjudge.exe``), so it is refused with the fix. On Windows, backslashes are kept: words are split
    on spaces, and double or single quotes group words and are removed.

    Raises:
        ConfigError: The spec cannot be split, or names an unquoted Windows path on POSIX.
    """
    if windows:
        try:
            words = shlex.split(target, posix=False)
        except ValueError as exc:
            raise ConfigError(f"command judge {target!r} cannot be split into words: {exc}") from None
        return [w[1:-1] if len(w) >= 2 and w[0] == w[-1] and w[0] in "\"'" else w for w in words]
    if _WINDOWS_PATH.search(target):
        raise ConfigError(
            f"command judge {target!r} names a Windows path; on this system a backslash escapes the next "
            "character, so the program would be looked for under a mangled name. Write the path with "
            "forward slashes (C:/tools/judge.exe) or quote it in single quotes"
        )
    try:
        return shlex.split(target)
    except ValueError as exc:
        raise ConfigError(f"command judge {target!r} cannot be split into words: {exc}") from None


def _resolve_files(words: list[str], base_dir: Path | None) -> list[str]:
    """``words`` with relative files that exist in ``base_dir`` (the TOML's folder) given as full paths."""
    if base_dir is None:
        return list(words)
    resolved = []
    for index, word in enumerate(words):
        path = Path(word)
        is_candidate = (
            bool(word)
            and not word.startswith("-")
            and not path.is_absolute()
            and (index > 0 or "/" in word)  # a bare program name is looked up on PATH
        )
        if is_candidate and (base_dir / path).is_file():
            word = str(base_dir / path)
        resolved.append(word)
    return resolved


def _read_answer(stdout: str) -> dict[str, Any] | None:
    """The JSON object on stdout: the whole output, or else its last non-empty line."""
    text = stdout.strip()
    if not text:
        return None
    candidates = [text]
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        candidates.append(lines[-1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except (ValueError, RecursionError):  # not JSON, or nested past the decoder's depth
            continue
        if isinstance(data, dict):
            return data
    return None


@register_backend("command", description="a program speaking JSON on stdin/stdout, started without a shell")
def _factory(config: JudgeConfig) -> Judge:
    return CommandJudge(config)
