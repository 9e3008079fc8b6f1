"""Personal data never leaves the transform step in clear text: one scrubber for every text value of
an export, applied before anything is stored or printed (README "Decisions", personal data).

- Text (procedure name, sector, agency, sheet and file names and paths, header names, the raw values
  of quarantined rows, messages): every pattern of schemas/personal_patterns.csv (rules/privacy.py),
  in Arrow (RE2), on the distinct values of a column, never per row in Python.
- Identifiers (case id, procedure code): a value holding personal data (a phone typed as the case id,
  a CCCD as the procedure code) is replaced whole by a keyed hash, `ẩn-` and 20 hex digits of
  HMAC-SHA-256 under the deployment's secret key: the same number gives the same id in every file
  and every rebuild, so the snapshots of one case still merge, and nobody without the key can find
  the number again by hashing every possible phone or CCCD (there are only 10^9 to 10^12 of them).
- The secret key: the file of the `secret_key` setting (default data/secret.key, 32 random bytes,
  created on first use, mode 0600). It lives outside the warehouse, its backups, the input archive
  and every export; a warehouse copied elsewhere carries no key. Lose it and the same number hashes
  differently from then on (keep it with the deployment's configuration, not with the warehouse).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.config import Settings
from pipelines.handover import EnvironmentFailure, StagedFile
from pipelines.rules.privacy import PROTECT, detector, patterns

HASHED = "ẩn-"  # the start of a case id or procedure code that held personal data
KNOWN_MAX = 50_000  # distinct values remembered; a larger column is scrubbed in one Arrow pass


def _read_or_create_key(path: Path) -> bytes:
    """The deployment's key, made on first use (written aside and linked into place: two processes
    starting at once agree on one key)."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        raise EnvironmentFailure(f"không đọc được khóa bí mật {path} ({exc}) — unreadable secret key") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink(missing_ok=True)
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS, errno.ENOSPC, errno.ENOENT):
            raise EnvironmentFailure(
                f"không tạo được khóa bí mật {path} ({exc.strerror}) — cannot create the secret key"
            ) from None
        raise


class Scrubber:
    """The patterns of schemas/personal_patterns.csv and the deployment's key, applied to Arrow
    arrays (the parse of a batch) and to single strings (names, messages)."""

    def __init__(self, key: bytes | None = None, key_file: Path | None = None):
        self._key, self.key_file = key, key_file  # the key is read (or made) when first needed
        self.steps = _merged([(p.pattern, p.replacement) for p in patterns()])
        self.detector = detector()
        # distinct values already scrubbed: the batches of a file (and the files of a run) share
        # their procedure names, sectors, agencies and sheets, and each pass compiles its regex
        self.known: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Scrubber:
        return _scrubber(str(Path(settings.secret_key).absolute()))

    @property
    def key(self) -> bytes:
        """The deployment's key: only an identifier holding personal data needs it (`tthc status`
        and the names of files never make one)."""
        if self._key is None:
            assert self.key_file is not None
            self._key = _read_or_create_key(self.key_file)
        return self._key

    # -- text -------------------------------------------------------------------------------------
    def text(self, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Every pattern applied to every value; a dictionary column on its distinct values only."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if isinstance(column, pa.DictionaryArray):
            return pa.DictionaryArray.from_arrays(column.indices, self.text(column.dictionary))
        if len(column) == 0 or column.null_count == len(column):
            return column
        if len(column) > KNOWN_MAX:
            return self._scrub(column)
        values = column.to_pylist()
        new = list({v for v in values if v is not None and v not in self.known})
        if new:
            if len(self.known) + len(new) > KNOWN_MAX:
                self.known.clear()
            self.known.update(zip(new, self._scrub(pa.array(new, pa.string())).to_pylist(), strict=True))
        return pa.array([None if v is None else self.known[v] for v in values], pa.string())

    def _scrub(self, column: pa.Array) -> pa.Array:
        out = pc.utf8_normalize(column, "NFC")
        for pattern, replacement in self.steps:
            out = pc.replace_substring_regex(out, pattern, replacement)
        return pc.replace_substring(out, PROTECT, " ")

    def distinct(self, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """text(), paid once per distinct value (a column of a million cells holds a few hundred)."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        encoded = column if isinstance(column, pa.DictionaryArray) else pc.dictionary_encode(column)
        return pc.take(self.text(encoded.dictionary), encoded.indices)

    def one(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self.text(pa.array([value], pa.string()))[0].as_py()

    # -- identifiers ------------------------------------------------------------------------------
    def hashed(self, value: str) -> str:
        return HASHED + hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    def ids(self, column: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Identifiers: one holding personal data is replaced whole by its keyed hash (the
        detection runs in Arrow on every value; only the few that match are hashed)."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if len(column) == 0 or column.null_count == len(column):
            return column
        hit = pc.fill_null(pc.match_substring_regex(column, self.detector), False)
        if not pc.any(hit).as_py():
            return column
        values = pc.filter(column, hit).to_pylist()
        hashed = pa.array([self.hashed(unicodedata.normalize("NFC", v)) for v in values], pa.string())
        return pc.replace_with_mask(column, hit, hashed)

    def one_id(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self.ids(pa.array([value], pa.string()))[0].as_py()

    # -- the record of a file ---------------------------------------------------------------------
    def many(self, values: list[str | None]) -> list[str | None]:
        """text() of a few strings at once (one pass of each pattern, not one per string)."""
        return self.text(pa.array(values, pa.string())).to_pylist() if values else []

    def staged(self, result: StagedFile) -> StagedFile:
        """Every text of a file's record that came from the file or its name: its name and path,
        sheets, header names, unresolved agencies, message and example rows (scrubbed together)."""
        single = ("name", "shown_path", "message", "family")
        lists = ("sheets", "unknown_columns", "personal_columns", "shadowed_columns")
        examples = [row for rows in result.examples.values() for row in rows]
        texts: list[str | None] = [getattr(result, f) for f in single]
        for f in lists:
            texts += getattr(result, f)
        texts += list(result.unresolved_agencies)
        texts += [row.get(k) for row in examples for k in ("sheet", "value")]
        done = iter(self.many(texts))
        for f in single:
            setattr(result, f, next(done))
        for f in lists:
            setattr(result, f, [next(done) or "" for _ in getattr(result, f)])
        result.unresolved_agencies = {next(done) or "": v for v in result.unresolved_agencies.values()}
        ids = self.ids(pa.array([row.get("case_id") for row in examples], pa.string())).to_pylist()
        for row, case_id in zip(examples, ids, strict=True):
            row["sheet"], row["value"], row["case_id"] = next(done), next(done), case_id
        return result


def _merged(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive patterns with the same plain replacement run as one alternation (RE2 takes the
    first alternative that matches at each position, as the passes in order would): one regex
    compiled and one pass over the values instead of six for the shapes of numbers."""
    out: list[tuple[str, str]] = []
    for pattern, replacement in steps:
        if out and "\\" not in replacement and out[-1][1] == replacement:
            out[-1] = (f"{out[-1][0]}|(?:{pattern})", replacement)
        elif "\\" not in replacement:
            out.append((f"(?:{pattern})", replacement))
        else:
            out.append((pattern, replacement))
    return out


@lru_cache(maxsize=8)
def _scrubber(key_path: str) -> Scrubber:
    return Scrubber(key_file=Path(key_path))


def display_name(path: Path | str) -> str:
    """A file's name as text that can be stored and printed: bytes that are not UTF-8 (a name from
    a Windows zip) become U+FFFD, control characters (a tab or line break in a name) \\t, \\n, \\xHH."""
    name = Path(path).name or str(path)
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    escapes = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    return "".join(escapes.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch) for ch in name)


def display_path(path: Path | str) -> str:
    """A whole path as text that can be stored and printed (display_name of every part)."""
    parts = Path(path).parts
    if not parts:
        return str(path)
    head = parts[0] if parts[0] == os.sep else display_name(parts[0])
    return str(Path(head, *(display_name(p) for p in parts[1:])))
