"""Deterministic sample of portal case exports: huyện Mỹ Lộc, tỉnh Nam Định, 2024, continued
across the reform of 01/07/2025 up to 01/12/2026 (its communes became four phường of tỉnh Ninh Bình).

Why this exists: the pipeline needs input that looks like what communes really download from
their portals (title blocks, merged two-row headers, vendor wordings, mixed date forms, overlapping
snapshots, personal-data columns, a few broken rows) *and* a known answer to check against: the
seed report of xã Mỹ Tân (01/01/2024–25/03/2024: 353 resolved, 353 online, 345 early, 8 on time,
0 late, 353 digitised, paid online 100 %).

How: every case is simulated first (true received / due / finished / returned times, outcome,
interim status) per commune with its own `random.Random`, xã Mỹ Tân is calibrated to the seed
figures, and then each snapshot renders every case "as of" its export time, so all files agree.
No network, no clock, no global state: the same seed gives the same bytes.

`generate_sample` (seed 2024) writes seven files: `build_sample` the four 2024 files (1–4), all
for the 7 communes of huyện Mỹ Lộc, and `build_sample_2025` the three files of 2025–2026 (5–7):

1. ``2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx`` — snapshot A, "Ngày xuất: 05/07/2024 08:15",
   cases received 01/01–30/06/2024, all communes; one sheet per lĩnh vực (name cut to 31 chars,
   sector column kept); title block, two-row header with a merged "Nhận và trả kết quả" over
   "Nhận hồ sơ / Hẹn trả / Trả kết quả", footer "Tổng cộng: N hồ sơ" / "Người lập biểu".
   "Nhận hồ sơ" and "Hẹn trả" are real Excel date cells, "Ngày có kết quả" is text
   dd/mm/yyyy HH:MM, "Trả kết quả" text dd/mm/yyyy. Status and channel as labels.
2. ``2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv`` — snapshot B (06/01/2025 07:30), all
   2024 cases of Mỹ Hà, Mỹ Thắng, Mỹ Trung, Mỹ Tân; UTF-8 with BOM, ``;``, CRLF, headers without
   diacritics ("Ma ho so", "Ten TTHC", "Don vi xu ly" …); received dd/mm/yyyy HH:MM:SS, due
   d/m/yyyy (no time) or dd/mm/yyyy HH:MM, finished dd/mm/yyyy HH:MM, returned d/m/yyyy.
   Title lines and footer are single-field lines (the portal does not pad them).
3. ``2025-01-06_dvcqg_my-phuc_my-thuan.csv`` — snapshot B for Mỹ Phúc, Mỹ Thuận in the DVCQG
   sync wording (MaHoSo, TenTTHC, DonViXuLy, KenhThucHien 1/2/3, TrangThaiHoSo 1–10, …); UTF-8
   without BOM, ``,``; dates yyyyMMddHHmmss, NgayKetThucXuLy mixes in ISO 8601 with +07:00,
   NgayTra is ISO 8601; a two-line title block, no footer.
4. ``2025-01-06_so-theo-doi_my-loc_unicode.csv`` — snapshot B for xã Mỹ Lộc as Excel "Unicode
   text": UTF-16 LE with BOM, tab separated, title/footer padded with tabs, headers in NFD Unicode
   and another vendor wording ("Số hồ sơ", "Thủ tục hành chính", "Cơ quan thực hiện", …).

5. ``2025-07-01_huyen-my-loc_ds-ho-so-6-thang-2025.csv`` — the 7 old communes' cases received
   01/01–30/06/2025, "Ngày xuất: 01/07/2025 07:30", every case as it stood at the cutover
   (30/06/2025 24:00: the old units' system takes no later step); the layout, wording and old
   agency forms of file 2 (iGate, UTF-8 with BOM, ``;``), title "Từ ngày 01/01/2025 …".
6. ``2025-10-06_ninh-binh_ds-ho-so-quy-3-2025.xlsx`` — the 4 new units as of 06/10/2025 08:00:
   cases received 01/07–30/09/2025 and the carried-over ones; the layout of file 1 (one sheet per
   lĩnh vực, two-row merged header on rows 7–8, footer) under a title block naming
   "UBND TỈNH NINH BÌNH" / "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH NINH BÌNH".
7. ``2026-12-01_ninh-binh_ds-ho-so-2025-2026.csv`` — the 4 new units as of 01/12/2026 07:00: every
   case received 01/07/2025–30/11/2026 and the carried-over ones, latest state; the DVCQG sync
   layout of file 3 (UTF-8 without BOM, ``,``, codes, yyyyMMddHHmmss / ISO 8601).
   Files 6 and 7 word agencies in today's forms, mixed per row: "UBND phường Thiên Trường",
   "Ủy ban nhân dân phường Đông A", "Trung tâm Phục vụ hành chính công phường Nam Định",
   "Phường Mỹ Lộc".

The reform (`era2025`): xã Mỹ Tân + Mỹ Trung → phường Thiên Trường 13684, Mỹ Hà + Mỹ Thắng →
Đông A 13693, Mỹ Phúc → Nam Định 13669, Mỹ Thuận + xã Mỹ Lộc → phường Mỹ Lộc 13708. 2025H1 is
drawn for the old communes and 07/2025–11/2026 for the new units with the 2024 model
(`draw_case`, 2024 daily rates, days off to 2026), from streams of their own
(``{seed}:2025h1:{gso}``, ``{seed}:ward:{gso}``), so the 2024 draws and files are untouched. A new
unit has its predecessors' summed volume and volume-weighted habits. The merger slowed the last
weeks of June: a rising share of the cases received from 16/06/2025 was only decided by the
successor in July (`handover_delay`, many late). Every 2025H1 case not finished at the cutover is
carried over: files 6 and 7 list it with the same id, received date and timeline, under its
successor unit (note "Hồ sơ chuyển tiếp từ xã …" where the row has no other note).

Case ids are DVCQG-like ``000.23.20.H40-240105-0001`` (commune code, yymmdd received, sequence),
unique in the district and identical in A and B; a new unit's own cases use its GSO code and no
district (``000.84.00.H42-250701-0001``, H42 standing for the merged province). Personal columns
are fake: applicant name, CCCD "036…" (12 digits), phone "09…" (10 digits) everywhere, address in
files 1, 4 and 6 (today's "tổ dân phố …, phường …, tỉnh Ninh Bình" for the new units' own cases),
e-mail in files 3 and 7; every CCCD and every phone number is unique in the sample (people of
2025H1 are numbered from 100,000 and of the new units from 200,000, 2024 from 0).

Deliberate defects (seed 2024, listed in `DEFECTS`; rows are 1-based sheet rows for the xlsx and
physical line numbers for the CSVs, title lines included); none touches xã Mỹ Tân, and files
5–7 have none:

- ``2024-07-05_huyen-my-loc_ds-ho-so-6-thang.xlsx`` sheet "Chứng thực" row 702: empty "Mã hồ sơ"
  (case 000.11.20.H40-240415-0001 of Mỹ Hà; its row in file 2 is intact).
- ``2025-01-06_igate_my-ha_my-thang_my-trung_my-tan.csv`` line 776: "Ngay tiep nhan" is
  "31/02/2024 …", an impossible date (case 000.17.20.H40-240226-0001 of Mỹ Thắng; valid in A).
- ``2025-01-06_dvcqg_my-phuc_my-thuan.csv`` line 1902 and again line 1903: the same row twice, byte for byte
  (case 000.26.20.H40-241104-0001 of Mỹ Phúc).
- ``2025-01-06_so-theo-doi_my-loc_unicode.csv`` line 754: unknown status label
  "Đã chuyển xử lý liên thông" (case 000.35.20.H40-240917-0001 of Mỹ Lộc).

`write_big_csv` / `write_big_xlsx` write one flat benchmark export in the layout of file 2 /
file 1 (single sheet, whole year as of 06/01/2025), generated in vectorised numpy chunks.
CCCD and phone numbers there are unique up to 1,000,000 rows.

Where each concern lives (``tools/sample/``; a developer tool, not part of the wheel):
`model` (communes, procedures, calendar, export times, file names, the case), `simulate`
(drawing one case), `calibrate` (xã Mỹ Tân to the seed report), `people` (case ids, fake
people), `views` (a case as one export shows it), `wording` (labels, date forms, title and
footer blocks), `defects` (the deliberate bad rows), `render_xlsx` (snapshot A), `render_csv`
(the three B dialects), `build` (`simulate_cases`, `build_sample`, `generate_sample`),
`era2025` (the reform, its units, moments and files, `simulate_2025`), `render_2025` (files 5
and 7, today's agency wording), `render_q3_xlsx` (file 6), `bigcases` / `bigfiles` (the benchmark
exports), `cli` (``python -m tools.sample``).
"""

from __future__ import annotations

from .bigfiles import write_big_csv, write_big_xlsx
from .build import B_FILES, build_sample, build_sample_2025, generate_sample, simulate_cases
from .calibrate import calibrate_my_tan, check_my_tan, my_tan_figures
from .cli import main
from .defects import (
    BAD_DATE,
    BLANK_ID,
    DEFECTS,
    DUPLICATE,
    UNKNOWN_STATUS,
    Defect,
    DefectLog,
    pick_defects,
)
from .era2025 import (
    CUTOVER,
    EXPORT_2026,
    EXPORT_H1,
    EXPORT_Q3,
    FILE_2026,
    FILE_H1,
    FILE_Q3,
    FILES_2025,
    SUCCESSOR,
    WARDS,
    Era2025,
    handover_delay,
    simulate_2025,
)
from .model import (
    A_LAST_RECEIVED,
    COMMUNES,
    EXPORT_A,
    EXPORT_B,
    FILE_A,
    FILE_DVCQG,
    FILE_IGATE,
    FILE_UNICODE,
    HOLIDAYS,
    MY_TAN,
    PROCEDURES,
    SECTORS,
    WINDOW_END,
    WINDOW_START,
    YEAR_END,
    YEAR_START,
    Case,
    Commune,
    Person,
    Procedure,
    add_workdays,
    deadline,
    has_time,
    is_workday,
    workdays,
)
from .people import assign_ids, assign_people, make_person
from .render_2025 import WARD_AGENCY_FORMS, write_2026_csv, write_h1_csv
from .render_csv import (
    DVCQG_HEADERS,
    IGATE_HEADERS,
    UNICODE_HEADERS,
    write_dvcqg_csv,
    write_igate_csv,
    write_unicode_text,
)
from .render_q3_xlsx import write_q3_xlsx
from .render_xlsx import A_HEADERS, normalize_xlsx, write_snapshot_a
from .simulate import arrivals, draw_case
from .views import View, snapshot, view_as_of
from .wording import (
    CHANNEL_A,
    CHANNEL_CODE,
    CHANNEL_IGATE,
    CHANNEL_UNICODE,
    STATUS_A,
    STATUS_IGATE,
    STATUS_UNICODE,
    UNKNOWN_STATUS_LABEL,
)

__all__ = [
    "A_HEADERS",
    "A_LAST_RECEIVED",
    "B_FILES",
    "BAD_DATE",
    "BLANK_ID",
    "CHANNEL_A",
    "CHANNEL_CODE",
    "CHANNEL_IGATE",
    "CHANNEL_UNICODE",
    "COMMUNES",
    "CUTOVER",
    "DEFECTS",
    "DUPLICATE",
    "DVCQG_HEADERS",
    "EXPORT_A",
    "EXPORT_B",
    "EXPORT_H1",
    "EXPORT_Q3",
    "EXPORT_2026",
    "Era2025",
    "FILE_2026",
    "FILE_A",
    "FILE_DVCQG",
    "FILE_IGATE",
    "FILE_H1",
    "FILE_Q3",
    "FILE_UNICODE",
    "FILES_2025",
    "HOLIDAYS",
    "IGATE_HEADERS",
    "MY_TAN",
    "PROCEDURES",
    "SECTORS",
    "STATUS_A",
    "STATUS_IGATE",
    "STATUS_UNICODE",
    "SUCCESSOR",
    "UNICODE_HEADERS",
    "UNKNOWN_STATUS",
    "UNKNOWN_STATUS_LABEL",
    "WARD_AGENCY_FORMS",
    "WARDS",
    "WINDOW_END",
    "WINDOW_START",
    "YEAR_END",
    "YEAR_START",
    "add_workdays",
    "arrivals",
    "assign_ids",
    "assign_people",
    "build_sample",
    "build_sample_2025",
    "calibrate_my_tan",
    "Case",
    "check_my_tan",
    "Commune",
    "deadline",
    "Defect",
    "DefectLog",
    "draw_case",
    "generate_sample",
    "handover_delay",
    "has_time",
    "is_workday",
    "main",
    "make_person",
    "my_tan_figures",
    "normalize_xlsx",
    "Person",
    "pick_defects",
    "Procedure",
    "simulate_2025",
    "simulate_cases",
    "snapshot",
    "View",
    "view_as_of",
    "workdays",
    "write_big_csv",
    "write_big_xlsx",
    "write_2026_csv",
    "write_dvcqg_csv",
    "write_h1_csv",
    "write_igate_csv",
    "write_q3_xlsx",
    "write_snapshot_a",
    "write_unicode_text",
]
