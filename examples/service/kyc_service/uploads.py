"""Request bodies streamed to a spooled temporary file under a byte cap (413 once passed)."""

from __future__ import annotations

import tempfile
from typing import Any, Awaitable, Callable, Dict, Optional

from fastapi import HTTPException, Request

SPOOL_BYTES = 1024 * 1024  # larger bodies go to a temporary file, not memory


def error(status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message}, headers=headers)


def too_large(cap: int) -> HTTPException:
    return error(413, "too_large", f"the upload is larger than the limit of {cap} bytes")


async def read_capped(request: Request, cap: int,
                      spool_dir: Optional[str] = None) -> "tempfile.SpooledTemporaryFile[bytes]":
    """The body in a spooled file (rewound; on disk in spool_dir above 1 MiB, deleted on close).
    Content-Length is checked before anything is read; a chunked body is cut off as soon as it
    passes the cap."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > cap:
                raise too_large(cap)
        except ValueError:
            raise error(400, "bad_content_length", "Content-Length is not a number") from None
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_dir)
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise too_large(cap)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def replay(spool: "tempfile.SpooledTemporaryFile[bytes]",
           chunk_bytes: int = 64 * 1024) -> Callable[[], Awaitable[Dict[str, Any]]]:
    """An ASGI receive() that plays a spooled body back (to parse multipart after the cap)."""

    async def receive() -> Dict[str, Any]:
        chunk = spool.read(chunk_bytes)
        return {"type": "http.request", "body": chunk, "more_body": len(chunk) == chunk_bytes}

    return receive


IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
)


def sniff_image(data: bytes) -> Optional[str]:
    """File extension for a recognised image signature, else None (content, never the name)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for magic, ext in IMAGE_MAGIC:
        if data.startswith(magic):
            return ext
    if len(data) > 2 and data[0:1] == b"P" and data[1:2] in b"123456" and data[2:3].isspace():
        return "pnm"
    return None


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")
