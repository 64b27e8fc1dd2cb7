"""Content-addressed object store on disk, encrypted at rest with AES-256-GCM.

Address: hex HMAC-SHA256(address key, plaintext). Equal uploads get one object, and the address
is not a plain hash of a personal image (which anybody holding the image could recompute).
Layout: <root>/ab/cdef... (first two hex digits as a fan-out directory).

File format (version 1):
    b"KYCO" | version (1 byte = 1) | key id length (1 byte) | key id (ASCII) | nonce (12 bytes)
    | ciphertext + 16-byte GCM tag
The associated data is everything before the nonce plus the address, so a file moved to another
address or relabelled with another key id fails authentication like any flipped byte.

Keys: the first key writes, every key reads (rotation: put the new key first, keep the old ones
until no object needs them). Writes are atomic: temporary file, fsync, rename, fsync directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.exceptions import InvalidTag

MAGIC = b"KYCO"
VERSION = 1
NONCE_BYTES = 12
_ADDRESS = re.compile(r"[0-9a-f]{64}")


class ObjectIntegrityError(Exception):
    """A stored object cannot be authenticated: tampered, truncated, or its key is unknown."""

    code = "object_integrity"


class ObjectNotFoundError(Exception):
    code = "object_missing"


def derive_address_key(oldest_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"kyc-service object address v1").derive(oldest_key)


class ObjectStore:
    def __init__(self, root: Path, keys: List[Tuple[str, bytes]],
                 address_key: Optional[bytes] = None) -> None:
        if not keys:
            raise ValueError("ObjectStore needs at least one key")
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._current_kid, current = keys[0]
        self._ciphers: Dict[str, AESGCM] = {kid: AESGCM(key) for kid, key in keys}
        self._current = self._ciphers[self._current_kid]
        # Addresses must not change when the writing key rotates (dedupe would break), so by
        # default they derive from the OLDEST key; set an explicit address key before retiring it.
        self._address_key = address_key or derive_address_key(keys[-1][1])

    def address_of(self, data: bytes) -> str:
        return hmac.new(self._address_key, data, hashlib.sha256).hexdigest()

    def path_of(self, address: str) -> Path:
        if not _ADDRESS.fullmatch(address):
            raise ValueError("not an object address")
        return self.root / address[:2] / address[2:]

    @staticmethod
    def _header(kid: str) -> bytes:
        k = kid.encode("ascii")
        return MAGIC + bytes([VERSION, len(k)]) + k

    def put(self, data: bytes) -> Tuple[str, bool]:
        """Store data; returns (address, created). An existing object is left as it is."""
        address = self.address_of(data)
        path = self.path_of(address)
        if path.exists():
            return address, False
        header = self._header(self._current_kid)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.encrypt(nonce, data, header + address.encode("ascii"))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header + nonce + sealed)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # atomic: readers see the whole object or none
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return address, True

    def get(self, address: str) -> bytes:
        path = self.path_of(address)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise ObjectNotFoundError(f"object {address[:12]}... is missing from the store") from None
        if len(blob) < 6 or blob[:4] != MAGIC or blob[4] != VERSION:
            raise ObjectIntegrityError(f"object {address[:12]}...: not a version-{VERSION} object file")
        kid_len = blob[5]
        start = 6 + kid_len
        if len(blob) < start + NONCE_BYTES + 16:
            raise ObjectIntegrityError(f"object {address[:12]}...: truncated")
        kid = blob[6:start].decode("ascii", errors="replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise ObjectIntegrityError(f"object {address[:12]}...: written with key id {kid!r}, "
                                       f"which is not configured")
        nonce = blob[start:start + NONCE_BYTES]
        try:
            return cipher.decrypt(nonce, blob[start + NONCE_BYTES:],
                                  blob[:start] + address.encode("ascii"))
        except InvalidTag:
            raise ObjectIntegrityError(f"object {address[:12]}...: authentication failed "
                                       f"(tampered or corrupted)") from None

    def key_id_of(self, address: str) -> str:
        blob = self.path_of(address).read_bytes()[:6 + 255]
        return blob[6:6 + blob[5]].decode("ascii", errors="replace")
