"""Session-wide test settings: Hypothesis profiles and a network guard.

* Hypothesis profiles ``dev`` (default) and ``ci`` (derandomized, no example database), chosen by the
  environment variable ``HYPOTHESIS_PROFILE``.
* Sockets may connect only to loopback (``127.0.0.0/8``, ``::1``, ``localhost``) or AF_UNIX paths; any
  other connection, and any host-name lookup but ``localhost``, raises :class:`NetworkBlocked`, so a test
  that would touch the network fails loudly instead of depending on it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


class NetworkBlocked(RuntimeError):
    """A test tried to connect somewhere other than loopback."""


def _is_loopback(family: int, address: Any) -> bool:
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple) or not address:
        return False
    host = str(address[0]).split("%", 1)[0]
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name other than localhost would need DNS: not allowed in tests
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _guard(original: Any) -> Any:
    def connect(self: socket.socket, address: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(self.family, address):
            raise NetworkBlocked(f"tests may only connect to loopback or AF_UNIX, not {address!r}")
        return original(self, address, *args, **kwargs)

    return connect


def _guard_lookup(original: Any) -> Any:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "localhost"):
            try:
                ipaddress.ip_address(str(name).split("%", 1)[0])
            except ValueError:
                raise NetworkBlocked(
                    f"tests may not resolve host names other than localhost: {name!r}"
                ) from None
        return original(host, *args, **kwargs)

    return getaddrinfo


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    """Allow socket connections only to loopback for the whole test session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _guard(socket.socket.connect))
        patch.setattr(socket.socket, "connect_ex", _guard(socket.socket.connect_ex))
        patch.setattr(socket, "getaddrinfo", _guard_lookup(socket.getaddrinfo))
        yield
