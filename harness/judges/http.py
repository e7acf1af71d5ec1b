"""The model-API judges' common HTTP layer: request checks, a JSON POST, failures mapped to error kinds.

What goes over the network is a :class:`~judgeprobe.harness.judges.transport.Transport`'s business: by default
a :class:`~judgeprobe.harness.judges.transport.PooledTransport` (pooled keep-alive connections; see there why
two clients), in tests possibly a :class:`~judgeprobe.harness.judges.transport.MockTransport`. One deadline
(``timeout_s``) covers a whole request, and the runner alone bounds concurrency.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.llm import AttemptFailed, Completion, LLMJudge
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.templating import ChatMessage
from judgeprobe.harness.judges.transport import HttpRequest, PooledTransport, Transport, TransportFailure

__all__ = ["HttpCall", "HttpJudge", "model_at_url_name", "model_at_url_spec", "reject_overlap"]

log = logging.getLogger("judgeprobe.http")

_CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "proxy-authorization"})
"""Headers that carry credentials; refused in ``JudgeConfig.headers``."""


def model_at_url_spec(rest: str) -> dict[str, Any]:
    """Read ``MODEL[@BASE_URL]``, the spec form of the model-API backends."""
    model, at, url = rest.partition("@")
    if not model:
        raise ConfigError("no model named; expected BACKEND:MODEL[@BASE_URL]")
    if at and not url:
        raise ConfigError("'@' is followed by no base URL; expected BACKEND:MODEL@BASE_URL")
    return {"model": model, "base_url": url or None}


def model_at_url_name(config: JudgeConfig) -> str:
    """``backend:model@base_url`` (the base URL only when one is configured)."""
    where = f"@{config.base_url}" if config.base_url else ""
    return f"{config.backend}:{config.model}{where}"


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request a judge would send, as shown to users (``judges render``) and written to batch files."""

    request: JudgeRequest
    """The request as presented (swapped for the second order of a pair judged both ways)."""
    messages: tuple[ChatMessage, ...]
    """The rendered messages."""
    url: str
    """Where it is POSTed."""
    headers: dict[str, str]
    """Headers, with every credential shown as ``***`` (the key is never read for this)."""
    body: dict[str, Any]
    """The JSON body, exactly as sent."""


def reject_overlap(config: JudgeConfig, typed: dict[str, Any]) -> None:
    """Refuse a typed option that ``params`` sets as well (which would win is not obvious)."""
    for key, value in typed.items():
        if value is not None and key in config.params:
            raise ConfigError(f"{key} is set both as a judge option and in params; keep one")


class HttpJudge(LLMJudge):
    """An :class:`LLMJudge` that POSTs JSON to a model API over pooled keep-alive connections.

    A backend implements :meth:`build_body`, :meth:`completion_from` and :meth:`credential_headers`; the
    same methods serve live calls, ``judges render`` and batch export/import.
    """

    batch_format: Literal["openai", "anthropic"] = "openai"
    """The batch file layout of this API (:mod:`judgeprobe.harness.run.batch`)."""

    def __init__(self, config: JudgeConfig, *, transport: Transport | None = None) -> None:
        """Configure; connections are opened on first use, inside the running event loop.

        Args:
            config: The judge configuration.
            transport: What sends the requests (default: a :class:`PooledTransport` to the base URL,
                created on first use).

        Raises:
            ConfigError: The base URL is not http(s), or the URL or a header would carry a credential
                (keys belong in the environment variable named by ``api_key_env``, never in the
                configuration).
        """
        url = config.base_url or ""
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base URL {url!r} must start with http:// or https://, e.g. http://127.0.0.1:8000/v1"
            )
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise ConfigError(f"base URL {url!r} is not a valid URL ({exc})") from None
        if not parsed.host:
            raise ConfigError(f"base URL {url!r} names no host, e.g. http://127.0.0.1:8000/v1")
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ConfigError(f"base URL {url!r} has port {parsed.port}; a port is 1 to 65535")
        if parsed.userinfo:
            raise ConfigError(
                "the base URL carries a user name or password; export the key in an environment variable "
                "and set api_key_env to its name"
            )
        secret_headers = sorted(h for h in config.headers if h.lower() in _CREDENTIAL_HEADERS)
        if secret_headers:
            raise ConfigError(
                f"header {secret_headers[0]} would store a credential in the judge configuration; "
                "export the key in an environment variable and set api_key_env to its name"
            )
        for name, value in config.headers.items():
            if any(c in name + value for c in "\r\n\0"):
                raise ConfigError(f"header {name!r} contains a line break or NUL; header values are one line")
        super().__init__(config)
        self._transport = transport

    use_plain_http: bool = True
    """The default transport sends ``http://`` requests that need no proxy through the lean client of
    :mod:`judgeprobe.harness.judges.wire` (``False``: everything through httpx)."""

    @property
    def transport(self) -> Transport:
        """What sends this judge's requests (the default one is created on first use)."""
        if self._transport is None:
            assert self.config.base_url is not None
            self._transport = PooledTransport(self.config.base_url, plain_http=self.use_plain_http)
        return self._transport

    async def aclose(self) -> None:
        """Close every connection."""
        if self._transport is not None:
            await self._transport.aclose()

    url: str = ""
    """The endpoint requests are POSTed to."""

    @abstractmethod
    def build_body(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> dict[str, Any]:
        """The JSON body of one call, exactly as it is sent."""

    @abstractmethod
    def completion_from(self, data: dict[str, Any]) -> Completion:
        """Read a reply body (live, or from a batch result); :class:`AttemptFailed` when it has no reply."""

    @abstractmethod
    def credential_headers(self, *, masked: bool) -> dict[str, str]:
        """The headers carrying the API key (``masked``: ``***`` instead of the key, which is not read)."""

    def headers(self, *, masked: bool = False) -> dict[str, str]:
        """Every header of a call as sent (configured ones, credentials, the JSON content type)."""
        return _sent_headers({**self.config.headers, **self.credential_headers(masked=masked)})

    def http_calls(self, request: JudgeRequest) -> list[HttpCall]:
        """The calls one draw of ``request`` makes (two for a pair judged in both orders), secrets masked."""
        calls = []
        for shown in self.presentations(request):
            messages = self.render_messages(shown)
            calls.append(
                HttpCall(
                    shown, messages, self.url, self.headers(masked=True), self.build_body(shown, messages)
                )
            )
        return calls

    async def complete(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> Completion:
        """One call: POST the body, read the reply."""
        data = await self.post_json(self.url, self.build_body(request, messages), self.headers())
        return self.completion_from(data)

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """POST ``body``; the decoded JSON object of a 2xx reply, else :class:`AttemptFailed`."""
        data_out = json.dumps(body).encode()
        headers = _sent_headers(headers)
        for name, value in headers.items():
            if any(c in value for c in "\r\n\0"):
                raise AttemptFailed(ErrorKind.CLIENT, f"header {name} contains a line break; not sent")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.timeout_s):
                reply = await self.transport.send(HttpRequest(url=url, headers=headers, body=data_out))
        except TimeoutError:
            log.debug("POST %s: no reply within %g s", url, self.config.timeout_s)
            raise AttemptFailed(ErrorKind.TIMEOUT, f"no reply within {self.config.timeout_s:g} s") from None
        except TransportFailure as exc:
            log.debug("POST %s: %s", url, exc)
            raise AttemptFailed(
                ErrorKind.CONNECTION, f"connection failed: {exc}", unreachable=exc.connect
            ) from None
        status, reply_headers, content = reply.status, reply.headers, reply.content
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "POST %s -> HTTP %d (%d bytes sent, %d received, %.2f s)",
                url, status, len(data_out), len(content), time.perf_counter() - started,
            )  # fmt: skip
        text = content.decode("utf-8", errors="replace")
        if status >= 400:
            raise AttemptFailed.from_status(status, text, _retry_after(reply_headers))
        try:
            data = json.loads(content)
        except ValueError:
            raise AttemptFailed(
                ErrorKind.SERVER, f"HTTP {status} with a body that is not JSON: {text[:120]!r}", status=status
            ) from None
        if not isinstance(data, dict):
            raise AttemptFailed(ErrorKind.SERVER, "the reply body is JSON but not an object", status=status)
        return data


def _sent_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with the user agent (unless given) and the JSON content type, as they go on the wire."""
    return {"User-Agent": "judgeprobe", **headers, "Content-Type": "application/json"}


def _retry_after(headers: Mapping[str, str]) -> str | None:
    """``Retry-After``, or OpenAI's millisecond variant converted to seconds (names lower-case)."""
    value = headers.get("retry-after")
    if value:
        return str(value)
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return str(float(millis) / 1000.0)
        except ValueError:
            return None
    return None
