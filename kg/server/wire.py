"""The frames the web process and its query processes exchange over a pipe.

A frame is one type byte, a 4-byte big-endian length and the payload. Requests are
``Q`` frames holding JSON. Replies: ``R`` ready (once, at start), ``H`` header (JSON: the
result's kind, row count, truncation), ``D`` a chunk of the serialised body, ``E`` end,
``X`` error (JSON: kind and message).
"""

from __future__ import annotations

import json
import struct
from typing import Any

__all__ = ["HEADER", "decode", "encode", "encode_json"]

HEADER = struct.Struct(">cI")


def encode(kind: bytes, payload: bytes) -> bytes:
    return HEADER.pack(kind, len(payload)) + payload


def encode_json(kind: bytes, value: Any) -> bytes:
    return encode(kind, json.dumps(value, separators=(",", ":")).encode("utf-8"))


def decode(payload: bytes) -> Any:
    return json.loads(payload.decode("utf-8"))
