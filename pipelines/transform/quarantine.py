"""The quarantine of one staged file: its rows that broke a rule, as Parquet, scrubbed.

Raw values of the canonical columns only (personal-data columns are never extracted), each scrubbed
like a stored value (transform/scrub.py): a name and a phone typed in a status cell never reach the
quarantine table. A row longer than its header keeps its cells by the header's positions and says
its extra cells after the reason (`detail`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.extract import MalformedRow
from pipelines.rules.vocab import reason_column
from pipelines.transform.scrub import Scrubber

QUARANTINE_SCHEMA = pa.schema(
    [
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
        ("case_id", pa.string()),
        ("commune_code", pa.string()),
        ("unit_key", pa.string()),
        ("reasons", pa.list_(pa.string())),
        ("raw_values", pa.string()),
        ("detail", pa.string()),  # said after the reason: the extra cells of a longer row
    ]
)

IDENTIFIERS = ("case_id", "procedure_code")  # personal data in one: the value is hashed whole (scrub.py)


def quarantine_table(
    raw: pa.Table,
    communes: pa.Array,
    units: pa.Array,
    reasons: list[list[str]],
    canonical: list[str],
    scrubber: Scrubber,
) -> pa.Table:
    """Raw values of the canonical columns only (personal-data columns were never extracted),
    scrubbed: a name and a phone typed in a status cell never reach the quarantine table."""
    cols = {c: (scrubber.ids(raw[c]) if c in IDENTIFIERS else scrubber.distinct(raw[c])).to_pylist() for c in canonical}
    raw_json = [
        json.dumps({c: cols[c][i] for c in canonical if cols[c][i] is not None}, ensure_ascii=False)
        for i in range(raw.num_rows)
    ]
    return pa.table(
        {
            "source_sheet": scrubber.distinct(raw["_sheet"]),
            "source_row": raw["_row"],
            "case_id": cols["case_id"],
            "commune_code": communes,
            "unit_key": units,
            "reasons": pa.array(reasons, pa.list_(pa.string())),
            "raw_values": pa.array(raw_json, pa.string()),
            "detail": pa.nulls(raw.num_rows, pa.string()),
        },
        schema=QUARANTINE_SCHEMA,
    )


def malformed_table(malformed: list[MalformedRow], scrubber: Scrubber) -> pa.Table:
    """Records that do not fit the header. A shorter one cannot be split into columns safely (no
    raw values); a longer one keeps its cells by the header's positions, its extra cells said after
    the reason (detail), every one scrubbed."""
    scrub, scrub_id = scrubber.one, scrubber.one_id
    raw = [
        None
        if m.values is None
        else json.dumps(
            {c: scrub_id(v) if c in IDENTIFIERS else scrub(v) for c, v in m.values.items()}, ensure_ascii=False
        )
        for m in malformed
    ]
    detail = [
        None if m.extra is None else "ô thừa sau cột cuối: " + " | ".join(f"«{scrub(c)}»" for c in m.extra)
        for m in malformed
    ]
    n = len(malformed)
    return pa.table(
        {
            "source_sheet": [scrub(m.sheet) for m in malformed],
            "source_row": [m.row for m in malformed],
            "case_id": [scrub_id((m.values or {}).get("case_id")) for m in malformed],
            "commune_code": [None] * n,
            "unit_key": [None] * n,
            "reasons": [["malformed_row"]] * n,
            "raw_values": raw,
            "detail": detail,
        },
        schema=QUARANTINE_SCHEMA,
    )


def examples(q_path: Path, per_reason: int = 3) -> dict[str, list[dict]]:
    if not q_path.exists() or q_path.stat().st_size < 12:
        return {}
    try:
        rows = pq.read_table(q_path).to_pylist()
    except (pa.ArrowInvalid, OSError):
        return {}
    out: dict[str, list[dict]] = {}
    for r in rows:
        raw = json.loads(r["raw_values"] or "{}")
        for reason in r["reasons"]:
            bucket = out.setdefault(reason, [])
            if len(bucket) < per_reason:
                bucket.append(
                    {
                        "sheet": r["source_sheet"],
                        "row": r["source_row"],
                        "case_id": r["case_id"],
                        "value": raw.get(reason_column(reason) or ""),
                    }
                )
    return out
