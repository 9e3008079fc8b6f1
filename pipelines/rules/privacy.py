"""What personal data looks like in a text value, read from schemas/personal_patterns.csv.

One definition: the patterns (RE2 syntax, as DuckDB and Arrow run them) and their replacements are
data; `pipelines/transform/scrub.py` applies them to every text value of an export before it is
stored or printed. Rows apply in the order listed (place_before_name before person_name); a
replacement may keep a group (`\\1`) and name a character as `\\x{00A0}`.

RE2's `\\b` is an ASCII word boundary (google/re2 doc/syntax.txt; google/re2 issue #344 "\\b not
working with Unicode characters"): it is used only next to digits, and a name's start is spelled
`(^|[^\\p{L}\\p{N}])`, kept by the replacement. 9 and 12 digits: the CMND and the CCCD (số định danh
cá nhân, Nghị định 137/2015/NĐ-CP); 10: a mobile number since 2018, a BHXH code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.rules.vocab import _read_csv

MASK = "[đã ẩn]"  # what stands where personal data was (README "Decisions")
PROTECT = "\u00a0"  # place_before_name marks a protected space with it; a plain space again afterwards


@dataclass(frozen=True)
class Pattern:
    kind: str
    pattern: str
    replacement: str
    identifiers: bool  # an identifier (case id, procedure code) holding a match is hashed whole

    @property
    def masks(self) -> bool:
        """A pattern that finds personal data (the others only prepare the text)."""
        return MASK in self.replacement


def _char(m: re.Match[str]) -> str:
    return chr(int(m.group(1), 16))


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    rows = _read_csv("personal_patterns.csv")
    return tuple(
        Pattern(
            r["kind"],
            r["pattern"],
            re.sub(r"\\x\{([0-9A-Fa-f]+)\}", _char, r["replacement"]),
            r["identifiers"] == "yes",
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def detector() -> str:
    """One pattern matching the personal data an identifier can hold (a number, an e-mail address):
    a case id or procedure code holding a match is hashed whole."""
    return "|".join(f"(?:{p.pattern})" for p in patterns() if p.masks and p.identifiers)
