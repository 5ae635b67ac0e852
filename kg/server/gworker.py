"""kg serve's web worker: gunicorn's gevent worker, each short answer in one send.

gunicorn writes a response's head (status line and headers) with one ``send`` and its
body with another. With ``TCP_NODELAY`` (gunicorn sets it) that is two segments and two
trips through the kernel's TCP stack per answer; py-spy of a web worker answering
``/sparql`` point lookups (14 KB of JSON) found 39% of its samples in those two sends.
Here the head and a body's first piece, when it is the whole body or at most
:data:`ONE_SEND` bytes, leave in one ``send``: the same bytes on the wire, in the
same order. Everything else (chunked bodies, streams, files, HEAD, 204 and 304
answers, a ``Content-Length`` shorter than the piece) takes gunicorn's own path.

The worker process (a child gunicorn forks) uses this module's :class:`Response` for
its requests: :func:`gunicorn.http.wsgi.create` makes the module's ``Response``, and the
worker sets it there when it starts, before it serves anything.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi
from gunicorn.workers.ggevent import GeventWorker as _GeventWorker

__all__ = ["ONE_SEND", "GeventWorker", "Response"]

ONE_SEND = 1 << 20  # a first piece up to this size goes with the head (one copy of it)


class Response(wsgi.Response):  # type: ignore[misc]
    """gunicorn's response; the head and a body's first piece in one ``send``."""

    def write(self, arg: Any) -> None:
        if (
            self.headers_sent  # type: ignore[has-type]
            or self.chunked
            or getattr(self, "_omits_body", False)
            or type(arg) is not bytes
            or not arg
            or len(arg) > ONE_SEND
            or (self.response_length is not None and len(arg) > self.response_length)
        ):
            super().write(arg)
            return
        head = self.default_headers()
        head.extend([f"{k}: {v}\r\n" for k, v in self.headers])
        head.append("\r\n")
        self.headers_sent = True
        self.sent += len(arg)
        self.sock.sendall("".join(head).encode("latin-1") + arg)


class GeventWorker(_GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker whose requests are answered by :class:`Response`."""

    def init_process(self) -> None:
        wsgi.Response = Response
        super().init_process()
