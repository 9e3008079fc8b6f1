"""Matching keys for headers and vocabulary values.

Portals write the same word in NFC, NFD, without diacritics, in any case and with
stray spacing or punctuation; every comparison goes through `match_key` so that
"Mã hồ sơ", "MA HO SO", "Ma  ho-so" and "MaHoSo" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STRIP = re.compile(r"[\s\.,;:_\-/\\()\[\]{}'\"`*&]+")
_SPACES = re.compile(r"\s+")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def match_key(value: object) -> str:
    """Lower-case, diacritics-free, punctuation- and space-free key."""
    if value is None:
        return ""
    return _match_key(str(value))


@lru_cache(maxsize=1 << 16)
def _match_key(text: str) -> str:
    # the same few thousand names (units, headers, vocabulary) are matched over and over: the
    # catalogue alone asked 119,178 times for 110 rows
    return _STRIP.sub("", strip_diacritics(unicodedata.normalize("NFC", text)).casefold())


def closest(text: str, labels: dict[str, str], n: int = 3) -> list[str]:
    """The labels whose key is nearest to `text` ("có phải …?"): keys are compared as match_key
    spells them (case, diacritics and spacing do not count), the labels are what the user reads."""
    import difflib

    by_key: dict[str, list[str]] = {}
    for key, label in labels.items():
        by_key.setdefault(match_key(key), []).append(label)
    near = difflib.get_close_matches(match_key(text), list(by_key), n=n * 2, cutoff=0.6)
    return list(dict.fromkeys(label for key in near for label in by_key[key]))[:n]


def clean_text(value: str | None) -> str | None:
    """NFC, trimmed, single-spaced; empty becomes None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return text or None
