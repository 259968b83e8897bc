"""Receipts: 28 random digits (93 bits from ``secrets``), kept only as a keyed hash.

A receipt is shown once, in groups of four digits that can be typed on a phone keypad.
The database holds HMAC-SHA256(key, digits); the key comes from the environment
(``TIPS_RECEIPT_KEY``) and never touches the database, so a copy of the database alone
cannot test guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

from django.conf import settings

RECEIPT_DIGITS = 28
RECEIPT_BITS = RECEIPT_DIGITS * math.log2(10)  # 93.0


def receipt_new() -> str:
    """A fresh receipt, grouped for reading: ``1234 5678 ... 9012``."""
    digits = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def receipt_normalize(raw: str) -> str:
    """Digits only: spaces, dashes and dots people type between groups are ignored."""
    return re.sub(r"\D", "", raw or "")


def receipt_hash(raw: str) -> str:
    """The keyed hash stored and looked up; any input hashes, so every miss costs the same."""
    key = settings.TIPS_RECEIPT_KEY.encode()
    return hmac.new(key, receipt_normalize(raw).encode(), hashlib.sha256).hexdigest()
