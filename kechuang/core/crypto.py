"""SM4 and SM3 (GB/T 32907, GB/T 32905) for the two switches of security.md item 30.

Both primitives come from `cryptography` (its bundled OpenSSL has SM4 and SM3). Nothing here
reads a setting on import: the keys are read when used, so tests can switch them.

Field encryption (`KECHUANG_FIELD_KEY`, hex, 16 or 32 bytes): deterministic authenticated
encryption in the SIV pattern. The IV of SM4-CBC is the first 16 bytes of HMAC-SM3(mac key,
plaintext), so the same number always gives the same ciphertext: an exact lookup, an `__in`
lookup and a unique constraint keep working on the stored column, and the IV is the blind index
(a keyed hash, useless without the key). Decryption recomputes the HMAC over the plaintext and
refuses a value whose IV does not match, so a changed or swapped ciphertext is detected. The
price of determinism is that equal numbers are visibly equal in the table — which a blind index
reveals anyway.

Snapshot signatures (`KECHUANG_SNAPSHOT_KEY`, hex, ≥ 16 bytes): HMAC-SM3 over the canonical
JSON of an approved snapshot."""

from __future__ import annotations

import base64
import hmac as std_hmac
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "PREFIX",
    "FieldCipherError",
    "field_decrypt",
    "field_encrypt",
    "field_key_set",
    "hmac_sm3",
    "is_encrypted",
    "snapshot_key",
    "stored_length",
]

# Marks a stored value as ciphertext; a plaintext ID or phone number never starts with it.
PREFIX = "sm4:"
_BLOCK = 16


class FieldCipherError(ValueError):
    """A stored value that does not decrypt to what its IV vouches for: altered or foreign."""


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def _hex_key(name: str, value: str) -> bytes:
    try:
        key = bytes.fromhex(value.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be hexadecimal (e.g. 32 hex digits).") from exc
    if len(key) < 16:
        raise ImproperlyConfigured(f"{name} must hold at least 16 bytes (32 hex digits).")
    return key


@lru_cache(maxsize=4)
def _field_keys(master_hex: str) -> tuple[bytes, bytes]:
    master = _hex_key("KECHUANG_FIELD_KEY", master_hex)
    # Two independent subkeys: one for SM4, one for the HMAC that makes the IV.
    return hmac_sm3(master, b"kechuang field sm4")[:16], hmac_sm3(master, b"kechuang field sm3")


def _master() -> str:
    return getattr(settings, "KECHUANG_FIELD_KEY", "") or ""


def field_key_set() -> bool:
    """Switch 1 is on."""
    return bool(_master())


def snapshot_key() -> bytes | None:
    """Switch 2's key, or None when it is off."""
    value = getattr(settings, "KECHUANG_SNAPSHOT_KEY", "") or ""
    return _hex_key("KECHUANG_SNAPSHOT_KEY", value) if value else None


def stored_length(max_length: int) -> int:
    """Characters the column needs for a ciphertext of up to `max_length` characters of
    plaintext (UTF-8, so up to 4 bytes each): prefix + base64(IV + padded blocks)."""
    blocks = (max_length * 4) // _BLOCK + 1
    raw = _BLOCK + blocks * _BLOCK
    return len(PREFIX) + 4 * ((raw + 2) // 3)


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def field_encrypt(plaintext: str) -> str:
    enc_key, mac_key = _field_keys(_master())
    data = plaintext.encode()
    iv = hmac_sm3(mac_key, data)[:_BLOCK]
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(iv)).encryptor()
    body = encryptor.update(padded) + encryptor.finalize()
    return PREFIX + base64.b64encode(iv + body).decode("ascii")


def field_decrypt(stored: str) -> str:
    if not field_key_set():
        raise ImproperlyConfigured(
            "The database holds SM4-encrypted personal data but KECHUANG_FIELD_KEY is not set: set "
            "the key, or run 'kechuang pii-encrypt --decrypt' with it before switching it off."
        )
    enc_key, mac_key = _field_keys(_master())
    try:
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise FieldCipherError("not a ciphertext of this system") from exc
    if len(raw) < 2 * _BLOCK or len(raw) % _BLOCK:
        raise FieldCipherError("not a ciphertext of this system")
    iv, body = raw[:_BLOCK], raw[_BLOCK:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        data = unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise FieldCipherError("ciphertext altered or made with another key") from exc
    if not std_hmac.compare_digest(hmac_sm3(mac_key, data)[:_BLOCK], iv):
        raise FieldCipherError("ciphertext altered or made with another key")
    return data.decode()
