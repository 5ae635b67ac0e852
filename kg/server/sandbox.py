"""Keep a query process off the network, whatever the query text says.

A SPARQL ``SERVICE`` clause makes the engine open an HTTP connection. Checking the query
text cannot close that door for good: any check that reads the text differently from the
engine's parser can be fooled (``FILTER(1<2)SERVICEe:x#>`` reads as one IRI to a
tokenizer and as a comparison, a SERVICE clause and a comment to Oxigraph). So the query
process closes it where the request would be made, in the kernel: at start, before it opens
the store, it installs a seccomp filter (``prctl(PR_SET_NO_NEW_PRIVS)`` + ``seccomp()``, no
privilege needed, the same as root or not) that

* refuses ``socket()`` for every address family but ``AF_UNIX`` (``EACCES``), so no
  internet, netlink or packet socket can ever exist in the process;
* refuses ``io_uring_setup`` (``ENOSYS``), which could otherwise open sockets without the
  ``socket`` system call, and every system call of a foreign ABI (x32, i386).

With ``--allow-service`` the process may open TCP and UDP sockets, but every ``connect``,
every ``sendto`` with an address and every ``sendmsg``/``sendmmsg`` is held by the kernel
and shown to a supervisor thread of the process (``SECCOMP_RET_USER_NOTIF``), which lets it
go on only when the destination is one of the listed endpoints' addresses and ports (or a
name server of ``/etc/resolv.conf`` on port 53, so that their host names resolve), and
refuses it otherwise. The endpoints' host names are resolved once, when the process starts.
The text check in :mod:`kg.server.guard` stays in front as the friendly early 403 and the
path-level rule (only the listed IRIs); this filter is the guarantee at host and port level.

The filter is inherited by every thread the process starts later (RocksDB's, the engine's).
A process that cannot install it refuses to start (:class:`SandboxError`): it never runs
queries unprotected.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import ipaddress
import os
import platform
import socket
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Destination", "SandboxError", "allowed_destinations", "confine"]


class SandboxError(RuntimeError):
    """The process could not shut itself off the network."""


# --------------------------------------------------------------------------- constants

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_GET_NOTIF_SIZES = 3
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3
_SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 1 << 4
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_USER_NOTIF = 0x7FC00000
_USER_NOTIF_FLAG_CONTINUE = 1

# classic BPF opcodes
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

_AF_UNIX = 1
_AF_INET = 2
_AF_INET6 = 10


@dataclass(frozen=True, slots=True)
class _Abi:
    audit_arch: int
    seccomp: int
    socket: int
    connect: int
    sendto: int
    sendmsg: int
    sendmmsg: int
    io_uring_setup: int
    x32_bit: bool  # system calls >= 0x40000000 are another ABI (x32) and are refused


_ABIS = {
    "x86_64": _Abi(0xC000003E, 317, 41, 42, 44, 46, 307, 425, True),
    "aarch64": _Abi(0xC00000B7, 277, 198, 203, 206, 211, 269, 425, False),
}

# offsets in struct seccomp_data (little-endian): nr, arch, ip, args[6]
_NR, _ARCH = 0, 4


def _arg_lo(i: int) -> int:
    return 16 + 8 * i


def _arg_hi(i: int) -> int:
    return 20 + 8 * i


# --------------------------------------------------------------------------- destinations


@dataclass(frozen=True, slots=True)
class Destination:
    """An address and port the process may reach (port 0: any port of the address)."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int


def _resolve(host: str, port: int) -> set[Destination]:
    out: set[Destination] = set()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return out
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            out.add(Destination(ipaddress.ip_address(str(sockaddr[0])), port))
    return out


def _name_servers(path: str = "/etc/resolv.conf") -> set[Destination]:
    out: set[Destination] = set()
    with contextlib.suppress(OSError), open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                with contextlib.suppress(ValueError):
                    out.add(Destination(ipaddress.ip_address(parts[1].split("%")[0]), 53))
    return out


def allowed_destinations(endpoints: Iterable[str]) -> frozenset[Destination]:
    """The addresses and ports of the endpoints (resolved now), and the name servers.

    >>> sorted(str(d.address) + ":" + str(d.port) for d in allowed_destinations(
    ...     ["http://127.0.0.1:3030/ds/sparql"]) if d.port != 53)
    ['127.0.0.1:3030']
    """
    out: set[Destination] = set()
    endpoints = list(endpoints)
    for endpoint in endpoints:
        parts = urlsplit(endpoint)
        if parts.hostname is None:
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        out |= _resolve(parts.hostname, port)
    if endpoints:
        out |= _name_servers()
    return frozenset(out)


# --------------------------------------------------------------------------- the filter


class _SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


class _Program:
    """A BPF program written with labels (jumps are resolved at the end)."""

    def __init__(self) -> None:
        self.ops: list[tuple[int, object, object, int]] = []
        self.labels: dict[str, int] = {}

    def load(self, offset: int) -> None:
        self.ops.append((_LD_W_ABS, 0, 0, offset))

    def jump(self, op: int, k: int, true: str | int = 0, false: str | int = 0) -> None:
        self.ops.append((op, true, false, k))

    def ret(self, value: int) -> None:
        self.ops.append((_RET_K, 0, 0, value))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.ops)

    def assemble(self) -> list[tuple[int, int, int, int]]:
        out = []
        for i, (code, jt, jf, k) in enumerate(self.ops):

            def target(j: object, i: int = i) -> int:
                if isinstance(j, str):
                    offset = self.labels[j] - i - 1
                    if not 0 <= offset < 256:
                        raise SandboxError(f"BPF jump to {j} out of range")
                    return offset
                assert isinstance(j, int)
                return j

            out.append((code, target(jt), target(jf), k))
        return out


def _program(abi: _Abi, *, supervised: bool) -> list[tuple[int, int, int, int]]:
    p = _Program()
    refuse_abi = _RET_ERRNO | errno.EPERM
    p.load(_ARCH)
    p.jump(_JEQ_K, abi.audit_arch, 0, "foreign")
    p.load(_NR)
    if abi.x32_bit:
        p.jump(_JGE_K, 0x40000000, "foreign", 0)
    p.jump(_JEQ_K, abi.socket, "socket", 0)
    p.jump(_JEQ_K, abi.io_uring_setup, "nosys", 0)
    if supervised:
        p.jump(_JEQ_K, abi.connect, "notify", 0)
        p.jump(_JEQ_K, abi.sendmsg, "notify", 0)
        p.jump(_JEQ_K, abi.sendmmsg, "notify", 0)
        p.jump(_JEQ_K, abi.sendto, "sendto", 0)
    p.ret(_RET_ALLOW)
    p.label("socket")
    p.load(_arg_lo(0))  # the address family
    p.jump(_JEQ_K, _AF_UNIX, "allow", 0)
    if supervised:
        p.jump(_JEQ_K, _AF_INET, "allow", 0)
        p.jump(_JEQ_K, _AF_INET6, "allow", 0)
    p.ret(_RET_ERRNO | errno.EACCES)
    if supervised:
        p.label("sendto")  # sendto(fd, buf, len, flags, dest_addr, addrlen): an address?
        p.load(_arg_lo(4))
        p.jump(_JEQ_K, 0, 0, "notify")
        p.load(_arg_hi(4))
        p.jump(_JEQ_K, 0, "allow", "notify")
        p.label("notify")
        p.ret(_RET_USER_NOTIF)
    p.label("allow")
    p.ret(_RET_ALLOW)
    p.label("nosys")
    p.ret(_RET_ERRNO | errno.ENOSYS)
    p.label("foreign")
    p.ret(refuse_abi)
    return p.assemble()


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _install(abi: _Abi, program: list[tuple[int, int, int, int]], flags: int) -> int:
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise SandboxError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(code)}")
    filters = (_SockFilter * len(program))(*(_SockFilter(*op) for op in program))
    prog = _SockFprog(len(program), filters)
    libc.syscall.restype = ctypes.c_long
    result = int(
        libc.syscall(
            ctypes.c_long(abi.seccomp),
            ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
            ctypes.c_long(flags),
            ctypes.byref(prog),
        )
    )
    if result < 0:
        code = ctypes.get_errno()
        raise SandboxError(f"seccomp() refused the network filter: {os.strerror(code)}")
    return result


# --------------------------------------------------------------------------- supervisor


class _Data(ctypes.Structure):
    _fields_ = (
        ("nr", ctypes.c_int),
        ("arch", ctypes.c_uint32),
        ("instruction_pointer", ctypes.c_uint64),
        ("args", ctypes.c_uint64 * 6),
    )


class _Notif(ctypes.Structure):
    _fields_ = (
        ("id", ctypes.c_uint64),
        ("pid", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("data", _Data),
    )


class _Resp(ctypes.Structure):
    _fields_ = (
        ("id", ctypes.c_uint64),
        ("val", ctypes.c_int64),
        ("error", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
    )


def _iowr(nr: int, size: int) -> int:
    return (3 << 30) | (size << 16) | (ord("!") << 8) | nr


_NOTIF_RECV = _iowr(0, ctypes.sizeof(_Notif))
_NOTIF_SEND = _iowr(1, ctypes.sizeof(_Resp))


class _IoVec(ctypes.Structure):
    _fields_ = (("base", ctypes.c_void_p), ("len", ctypes.c_size_t))


class _Supervisor:
    """Answers the kernel's questions about held system calls, one at a time."""

    def __init__(self, fd: int, allowed: frozenset[Destination], abi: _Abi) -> None:
        self.fd = fd
        self.allowed = allowed
        self.abi = abi
        self.libc = _libc()
        self.libc.process_vm_readv.restype = ctypes.c_ssize_t
        self.refused: list[str] = []

    def read(self, pid: int, address: int, size: int) -> bytes | None:
        if address == 0 or size <= 0 or size > 4096:
            return None
        buf = ctypes.create_string_buffer(size)
        local = _IoVec(ctypes.cast(buf, ctypes.c_void_p), size)
        remote = _IoVec(ctypes.c_void_p(address), size)
        got = self.libc.process_vm_readv(
            pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, ctypes.c_ulong(0)
        )
        return buf.raw[:got] if got == size else None

    def _sockaddr_ok(self, raw: bytes | None) -> bool:
        if raw is None or len(raw) < 2:
            return False
        family = struct.unpack_from("=H", raw)[0]
        if family == _AF_UNIX:
            return True
        if family == _AF_INET and len(raw) >= 8:
            port = struct.unpack_from("!H", raw, 2)[0]
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(raw[4:8])
        elif family == _AF_INET6 and len(raw) >= 24:
            port = struct.unpack_from("!H", raw, 2)[0]
            address = ipaddress.IPv6Address(raw[8:24])
            if address.ipv4_mapped is not None:
                address = address.ipv4_mapped
        else:
            return False
        return Destination(address, port) in self.allowed

    def _msg_names_ok(self, pid: int, address: int, count: int, stride: int) -> bool:
        for i in range(min(count, 1024)):
            header = self.read(pid, address + i * stride, 16)
            if header is None:
                return False
            name, namelen = struct.unpack_from("=QI", header)
            if name and not self._sockaddr_ok(self.read(pid, name, namelen)):
                return False
        return True

    def decide(self, notif: _Notif) -> bool:
        nr, args, pid = notif.data.nr, notif.data.args, int(notif.pid)
        if nr == self.abi.connect:
            return self._sockaddr_ok(self.read(pid, int(args[1]), int(args[2])))
        if nr == self.abi.sendto:
            return self._sockaddr_ok(self.read(pid, int(args[4]), int(args[5])))
        if nr == self.abi.sendmsg:
            return self._msg_names_ok(pid, int(args[1]), 1, 0)
        if nr == self.abi.sendmmsg:  # struct mmsghdr: a msghdr (56 bytes) and a length
            return self._msg_names_ok(pid, int(args[1]), int(args[2]), 64)
        return False

    def run(self) -> None:
        while True:
            notif = _Notif()
            if self.libc.ioctl(self.fd, ctypes.c_ulong(_NOTIF_RECV), ctypes.byref(notif)) != 0:
                code = ctypes.get_errno()
                if code in (errno.EINTR, errno.ENOENT):
                    continue
                return
            ok = False
            with contextlib.suppress(Exception):
                ok = self.decide(notif)
            resp = _Resp(notif.id, 0, 0, _USER_NOTIF_FLAG_CONTINUE)
            if not ok:
                resp = _Resp(notif.id, 0, -errno.EACCES, 0)
            # ENOENT: the caller went away meanwhile; nothing to answer.
            self.libc.ioctl(self.fd, ctypes.c_ulong(_NOTIF_SEND), ctypes.byref(resp))


def _abi() -> _Abi:
    machine = platform.machine()
    abi = _ABIS.get(machine)
    if abi is None:
        raise SandboxError(f"no network filter for this machine type ({machine})")
    return abi


def confine(allowed: frozenset[Destination] = frozenset()) -> None:
    """Shut this process off the network for good (see the module docstring).

    ``allowed`` empty: no internet socket can be made at all. Otherwise only the given
    destinations can be reached, checked by a supervisor thread started here. Call it
    before the process starts other threads (the filter is inherited by later ones).
    Raises SandboxError when the kernel refuses the filter.
    """
    abi = _abi()
    if not allowed:
        _install(abi, _program(abi, supervised=False), _SECCOMP_FILTER_FLAG_TSYNC)
        return
    program = _program(abi, supervised=True)
    try:  # every thread of the process (Linux >= 5.7 can sync threads and give a listener)
        fd = _install(
            abi,
            program,
            _SECCOMP_FILTER_FLAG_NEW_LISTENER
            | _SECCOMP_FILTER_FLAG_TSYNC
            | _SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
        )
    except SandboxError:
        if len(os.listdir("/proc/self/task")) != 1:
            raise
        fd = _install(abi, program, _SECCOMP_FILTER_FLAG_NEW_LISTENER)  # one thread: all
    supervisor = _Supervisor(fd, allowed, abi)
    threading.Thread(target=supervisor.run, name="kg-network-supervisor", daemon=True).start()
