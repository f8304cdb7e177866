"""Encryption at rest of the documents: AES-256-GCM under keys kept outside the database.

`PARCOURS_DOCUMENT_KEYS` holds `id:key` entries separated by commas, spaces or new lines, each key 32
random bytes in URL-safe base64 (`parcours document-key` prints one). The first entry encrypts new
documents; the others only decrypt the documents they encrypted, until `parcours documents-rekey`
has re-encrypted them under the first (rotation, docs/documents.md). The database stores, per
document, the id of its key, never the key.

A stored file is `PCD1` + a 12-byte random nonce + the ciphertext and its tag. The document's
storage name is bound to it as associated data: a file moved under another document's name does
not decrypt.
"""

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"PCD1"
NONCE_BYTES = 12
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class DocumentKeyError(ImproperlyConfigured):
    """The document keyring is missing or malformed: no document can be stored or read."""


class DecryptionError(Exception):
    """A stored file that does not decrypt: wrong or missing key, altered or truncated file."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes] = field(repr=False)


def new_key() -> str:
    """A fresh key, as written in PARCOURS_DOCUMENT_KEYS after its id."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_keyring(text: str) -> Keyring:
    keys: dict[str, bytes] = {}
    current = ""
    for line in (text or "").splitlines():
        if line.strip().startswith("#"):
            continue
        for entry in re.split(r"[\s,]+", line.strip()):
            if not entry:
                continue
            key_id, sep, encoded = entry.partition(":")
            if not sep or not KEY_ID_PATTERN.match(key_id):
                raise DocumentKeyError(
                    "Document key entries are written id:key, the id made of 1 to 32 letters, digits, "
                    "'.', '_' or '-'."
                )
            try:
                key = base64.urlsafe_b64decode(encoded.encode())
            except (binascii.Error, ValueError) as exc:
                raise DocumentKeyError(f"Document key {key_id!r} is not URL-safe base64.") from exc
            if len(key) != 32:
                raise DocumentKeyError(f"Document key {key_id!r} must be 32 bytes (256 bits).")
            if key_id in keys:
                raise DocumentKeyError(f"Document key id {key_id!r} is given twice.")
            keys[key_id] = key
            current = current or key_id
    if not keys:
        raise DocumentKeyError("No document key: set PARCOURS_DOCUMENT_KEYS (docs/documents.md).")
    return Keyring(current, keys)


@lru_cache(maxsize=4)
def _cached(text: str) -> Keyring:
    return parse_keyring(text)


def keyring() -> Keyring:
    return _cached(getattr(settings, "PARCOURS_DOCUMENT_KEYS", "") or "")


def encrypt(plaintext: bytes, *, name: str) -> tuple[bytes, str]:
    """The stored bytes and the id of the key that encrypted them."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(nonce, plaintext, name.encode())
    return MAGIC + nonce + sealed, ring.current_id


def decrypt(stored: bytes, *, name: str, key_id: str) -> bytes:
    """The plaintext, or DecryptionError (never a partial or unchecked plaintext)."""
    key = keyring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"the key {key_id!r} is not in PARCOURS_DOCUMENT_KEYS")
    if not stored.startswith(MAGIC) or len(stored) < len(MAGIC) + NONCE_BYTES + 16:
        raise DecryptionError("not an encrypted document")
    nonce = stored[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, stored[len(MAGIC) + NONCE_BYTES :], name.encode())
    except InvalidTag as exc:
        raise DecryptionError("the file does not match its key (altered, truncated or another key)") from exc
