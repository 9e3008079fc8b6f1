-- One-line description of every table, column, sequence and macro of the warehouse (COMMENT ON).
-- Applied by pipelines.warehouse.docs.apply_comments after every build: periods, report_form and
-- indicators are recreated by 51_build_full.sql and the macros by init_schema, which drops their comments.
-- Every object named here must exist at that point (a missing one is an error, never skipped).
-- Rules: one statement per line, single-quoted strings with '' escaping, no semicolon inside a string.
-- Times in the warehouse are naive TIMESTAMPs in local time (Asia/Ho_Chi_Minh), never UTC.

-- runs -------------------------------------------------------------------------------------------
COMMENT ON TABLE runs IS 'One row per successful run of tthc run (lần chạy): times, file and row counts, the as_of moment of the materialised figures, code version. A failed run leaves no row (its working copy is discarded)';
COMMENT ON COLUMN runs.run_id IS 'Run id: local start time as yyyymmddTHHMMSS, a hyphen and 6 random hex digits (e.g. 20250106T020000-1a2b3c)';
COMMENT ON COLUMN runs.started_at IS 'When the run started, naive local time (Asia/Ho_Chi_Minh)';
COMMENT ON COLUMN runs.finished_at IS 'When the run finished loading, building and checking (just before publishing), naive local time (Asia/Ho_Chi_Minh)';
COMMENT ON COLUMN runs.status IS 'Run status: succeeded (the only value written today, a failed run is not recorded), running and failed are reserved';
COMMENT ON COLUMN runs.files_seen IS 'Files given to the run = files_loaded + files_skipped + files_rejected';
COMMENT ON COLUMN runs.files_loaded IS 'Files loaded by this run (ingested_files.status = loaded)';
COMMENT ON COLUMN runs.files_skipped IS 'Files skipped (bỏ qua) because the same bytes (SHA-256) were already loaded, by an earlier run or earlier in this run';
COMMENT ON COLUMN runs.files_rejected IS 'Files rejected whole (từ chối): a file-level problem or a quarantined share above reject_share (default 20 %)';
COMMENT ON COLUMN runs.rows_read IS 'Data rows read (dòng đọc) over all files of the run, rejected files included, so rows_read = loaded + quarantined + duplicate only when no file was rejected';
COMMENT ON COLUMN runs.rows_loaded IS 'Rows loaded (dòng nạp) by this run: valid and unique within their file, rejected files count 0';
COMMENT ON COLUMN runs.rows_quarantined IS 'Rows that failed the row rules (cách ly) in this run, rows of rejected files included although nothing of them is kept';
COMMENT ON COLUMN runs.rows_duplicate IS 'Extra identical copies of a case within one file, collapsed to one (dòng trùng), rejected files count 0';
COMMENT ON COLUMN runs.as_of IS 'The now of the run, naive local time (Asia/Ho_Chi_Minh): horizon for in-progress cases (đang giải quyết) in report_form and indicators, and the cap of the last materialised quarter';
COMMENT ON COLUMN runs.code_version IS 'Version of the tthc-analytics package that ran (e.g. 0.1.0)';
COMMENT ON COLUMN runs.message IS 'Free-text note about the run, NULL when none (always NULL today)';

-- ingested_files ---------------------------------------------------------------------------------
COMMENT ON TABLE ingested_files IS 'One row per distinct file (by SHA-256) loaded or rejected (tệp đã nạp): what it was, its snapshot time, row counts and quality notes. Skipped files add no row, a rejected file is retried by the next run and its row replaced';
COMMENT ON COLUMN ingested_files.sha256 IS 'SHA-256 of the file bytes, lowercase hex: the file identity (the same bytes load once)';
COMMENT ON COLUMN ingested_files.file_name IS 'File name without folder, as in cases.source_file and quarantine.source_file';
COMMENT ON COLUMN ingested_files.file_path IS 'Path of the file as given to tthc run (relative to its working directory, or absolute)';
COMMENT ON COLUMN ingested_files.size_bytes IS 'File size in bytes';
COMMENT ON COLUMN ingested_files.kind IS 'File kind sniffed from its bytes, not its extension: xlsx, xls, ods, html or csv, NULL when rejected before sniffing (e.g. empty file)';
COMMENT ON COLUMN ingested_files.encoding IS 'Text encoding of a csv or html file (utf-8, utf-8-sig, utf-16, cp1258), NULL for workbooks';
COMMENT ON COLUMN ingested_files.sheets IS 'Workbook sheets read, in order (Excel cuts names at 31 characters), empty for csv and html';
COMMENT ON COLUMN ingested_files.exported_at IS 'Export time printed in the title block (Ngày xuất), naive local time (Asia/Ho_Chi_Minh), NULL when the file has none';
COMMENT ON COLUMN ingested_files.snapshot_at IS 'Snapshot time of the file, naive local time: exported_at, else the newest date in its data, else the file modification time (see snapshot_source). The newest snapshot of a case wins';
COMMENT ON COLUMN ingested_files.snapshot_source IS 'Where snapshot_at came from: export_line (Ngày xuất), newest_date (newest date in the data) or file_mtime';
COMMENT ON COLUMN ingested_files.rows_read IS 'Data rows read (dòng đọc), footers and blank lines excluded. For a loaded file rows_read = rows_loaded + rows_quarantined + rows_duplicate';
COMMENT ON COLUMN ingested_files.rows_loaded IS 'Rows valid and unique within the file (dòng nạp). A row older than the stored snapshot of its case counts here but does not replace it. 0 for a rejected file';
COMMENT ON COLUMN ingested_files.rows_quarantined IS 'Rows that failed the row rules (cách ly), conflicting duplicates within the file included. For a rejected file the rows that failed, none of them kept in quarantine';
COMMENT ON COLUMN ingested_files.rows_duplicate IS 'Extra identical copies of a case within the file, collapsed to one (dòng trùng), 0 for a rejected file';
COMMENT ON COLUMN ingested_files.rows_skipped IS 'Lines that are not data and are outside rows_read: blank lines, footers (Tổng cộng, signatures, dates) and repeated header rows';
COMMENT ON COLUMN ingested_files.status IS 'loaded (đã nạp) or rejected (từ chối: nothing of the file is kept, see message)';
COMMENT ON COLUMN ingested_files.message IS 'Why the file was rejected, in Vietnamese with an English gloss after the dash, NULL when loaded';
COMMENT ON COLUMN ingested_files.unknown_columns IS 'Headers recognised neither as a canonical nor as a personal-data column, ignored (schema drift)';
COMMENT ON COLUMN ingested_files.personal_columns_dropped IS 'Personal-data headers found in the file (names, ID numbers, phones, addresses, e-mail, birth dates, trích yếu), dropped at extraction: their values are never stored';
COMMENT ON COLUMN ingested_files.shadowed_columns IS 'Headers ignored because an earlier-listed alias of the same canonical column is also in the file (e.g. Số biên nhận beside Mã hồ sơ)';
COMMENT ON COLUMN ingested_files.unresolved_agencies IS 'JSON object agency text to problem (unresolved or ambiguous) for agencies not matched to exactly one commune of the registry, their cases have commune_code NULL';
COMMENT ON COLUMN ingested_files.flags IS 'JSON object flag to row count over loaded rows, non-zero flags only: finished_not_terminal, finished_from_returned, flag_unknown_boolean, flag_bad_fee, flag_unresolved_agency';
COMMENT ON COLUMN ingested_files.reason_counts IS 'JSON object reason code to number of rows quarantined at validation (see reasons), conflicting_duplicate found at load time not included';
COMMENT ON COLUMN ingested_files.examples IS 'Rejected files only: JSON object reason code to up to 3 example rows (sheet, row, case_id, value = the raw value of the column at fault, never personal data), {} for a loaded file (its rows are in quarantine)';
COMMENT ON COLUMN ingested_files.columns IS 'JSON object canonical column to the coarse form of its first values (text, integer, number, date dd/mm/yyyy, date ISO, date yyyyMMddHHmmss, empty), compared across a family to report schema drift';
COMMENT ON COLUMN ingested_files.family IS 'File name in lower case with every digit run replaced by #: the exports of one source share it (e.g. #-#-#_igate_my-ha.csv)';
COMMENT ON COLUMN ingested_files.file_seq IS 'Load order of the file (sequence file_seq_counter): on equal snapshot_at the file loaded later wins';
COMMENT ON COLUMN ingested_files.run_id IS 'Run that loaded or rejected the file (runs.run_id)';
COMMENT ON COLUMN ingested_files.ingested_at IS 'When the file was loaded: the as_of of that run, naive local time (Asia/Ho_Chi_Minh)';

-- cases ------------------------------------------------------------------------------------------
COMMENT ON TABLE cases IS 'One row per case (hồ sơ TTHC), its newest snapshot across all files: the canonical export columns without personal data, the resolved commune and the source. Times are naive local time (Asia/Ho_Chi_Minh)';
COMMENT ON COLUMN cases.case_id IS 'Case code (mã hồ sơ, số biên nhận), unique district-wide: checked after every build';
COMMENT ON COLUMN cases.procedure_code IS 'Procedure code (mã TTHC) as exported, e.g. 1.001193, NULL when the export has none';
COMMENT ON COLUMN cases.procedure_name IS 'Procedure name (tên thủ tục hành chính), NFC, trimmed, single-spaced';
COMMENT ON COLUMN cases.sector IS 'Sector (lĩnh vực), one spelling per sector (NFC, single spaces, HỘ TỊCH written Hộ tịch), Chưa phân loại when missing, never NULL';
COMMENT ON COLUMN cases.agency IS 'Resolving agency as exported (đơn vị giải quyết), e.g. UBND xã Mỹ Tân, NFC, single-spaced';
COMMENT ON COLUMN cases.commune_code IS 'GSO code of the commune the agency resolves to (mã xã, communes.commune_code, e.g. 13723), NULL when the agency matches no commune or several';
COMMENT ON COLUMN cases.commune_name IS 'Commune name from the registry, without unit type (e.g. Mỹ Tân), NULL when the agency is unresolved';
COMMENT ON COLUMN cases.channel IS 'Filing channel (hình thức nộp): online (trực tuyến), direct (trực tiếp, also when empty) or postal (bưu chính công ích)';
COMMENT ON COLUMN cases.service_level IS 'Online public-service level (mức độ DVC): full (toàn trình), partial (một phần) or none (empty in the export)';
COMMENT ON COLUMN cases.received_at IS 'Received (ngày tiếp nhận), naive local time (Asia/Ho_Chi_Minh), 00:00 means no time of day was given';
COMMENT ON COLUMN cases.due_at IS 'Appointment for the result (ngày hẹn trả), naive local time, 00:00 means the whole day (deadline = 23:59:59, see tthc_deadline), NULL only for refused cases';
COMMENT ON COLUMN cases.finished_at IS 'Result ready (ngày có kết quả), naive local time, returned_at when the export gave none for a terminal status, NULL while unfinished (may be set on a non-terminal status: portals lag)';
COMMENT ON COLUMN cases.returned_at IS 'Result handed back (ngày trả kết quả), naive local time, NULL when not returned or not exported';
COMMENT ON COLUMN cases.status IS 'Canonical status (trạng thái, DVCQG TrangThaiHoSo 1 to 10): submitted, received, refused, processing, awaiting_supplement, awaiting_payment, withdrawn, stopped, resolved, returned';
COMMENT ON COLUMN cases.is_digitized IS 'Case file digitised (số hóa hồ sơ), false when empty or unreadable';
COMMENT ON COLUMN cases.fee_amount IS 'Fees and charges (phí, lệ phí) in VND, NULL when empty, not a number or negative';
COMMENT ON COLUMN cases.is_paid_online IS 'Paid online (thanh toán trực tuyến), NULL = unknown (empty cell), which is not false';
COMMENT ON COLUMN cases.has_e_result IS 'Result issued electronically (kết quả điện tử), NULL = unknown (empty cell), which is not false';
COMMENT ON COLUMN cases.note IS 'Free-text note (ghi chú), phone or ID-like digit runs and e-mail addresses masked as [đã ẩn], NULL when empty';
COMMENT ON COLUMN cases.source_file IS 'Name of the file the stored snapshot came from (ingested_files.file_name)';
COMMENT ON COLUMN cases.source_sha256 IS 'SHA-256 of that file (ingested_files.sha256)';
COMMENT ON COLUMN cases.source_sheet IS 'Sheet of that file holding the row, NULL for csv and html';
COMMENT ON COLUMN cases.source_row IS 'Row in that file: the Excel row number for workbooks (leading empty rows counted), the record number for csv (its line number unless a value spans lines)';
COMMENT ON COLUMN cases.snapshot_at IS 'Snapshot time of that file (ingested_files.snapshot_at), naive local time: the newest snapshot of a case wins';
COMMENT ON COLUMN cases.file_seq IS 'Load order of that file (ingested_files.file_seq): on equal snapshot_at the file loaded later wins';
COMMENT ON COLUMN cases.ingested_at IS 'When this snapshot was loaded: the as_of of that run, naive local time (Asia/Ho_Chi_Minh)';

-- quarantine -------------------------------------------------------------------------------------
COMMENT ON TABLE quarantine IS 'One row per rejected row (dòng bị cách ly) of a loaded file, with every reason and its non-personal raw values. Rows of rejected files are not kept. Replaced when the same file is loaded again';
COMMENT ON COLUMN quarantine.run_id IS 'Run that loaded the file (runs.run_id)';
COMMENT ON COLUMN quarantine.source_file IS 'File name (ingested_files.file_name)';
COMMENT ON COLUMN quarantine.source_sha256 IS 'SHA-256 of the file (ingested_files.sha256)';
COMMENT ON COLUMN quarantine.source_sheet IS 'Sheet holding the row, NULL for csv and html';
COMMENT ON COLUMN quarantine.source_row IS 'Row in the file: the Excel row number for workbooks, the record number for csv';
COMMENT ON COLUMN quarantine.case_id IS 'Case code (mã hồ sơ) as read, NULL when missing or the row is malformed';
COMMENT ON COLUMN quarantine.commune_code IS 'GSO code of the commune when the agency of the row resolved to one, else NULL';
COMMENT ON COLUMN quarantine.reasons IS 'Every rule the row broke, as reason codes (reasons.reason), in rule order';
COMMENT ON COLUMN quarantine.reason_text IS 'The same reasons as Vietnamese messages (lý do, reasons.message), in the same order';
COMMENT ON COLUMN quarantine.raw_values IS 'JSON object canonical column to the raw cell text as read, non-empty cells only, personal-data columns and the free-text note never included, NULL for a malformed row';

-- reference --------------------------------------------------------------------------------------
COMMENT ON TABLE communes IS 'Commune registry in scope (danh mục đơn vị hành chính cấp xã): the 2024 GSO units of the deployment district, with the unit each became on 01/07/2025';
COMMENT ON COLUMN communes.commune_code IS 'GSO commune code (mã xã), the commune key of every table';
COMMENT ON COLUMN communes.commune_name IS 'Commune name without unit type (e.g. Mỹ Tân)';
COMMENT ON COLUMN communes.unit_type IS 'Unit type (loại đơn vị): xã, phường or thị trấn';
COMMENT ON COLUMN communes.district_code IS 'GSO district code (mã huyện), e.g. 358';
COMMENT ON COLUMN communes.district_name IS 'District name (huyện) without unit type, e.g. Mỹ Lộc';
COMMENT ON COLUMN communes.province_code IS 'GSO province code (mã tỉnh) before 01/07/2025, e.g. 36';
COMMENT ON COLUMN communes.province_name IS 'Province name (tỉnh) before 01/07/2025, e.g. Nam Định';
COMMENT ON COLUMN communes.valid_from IS 'First day the unit existed, NULL when unknown (existing before the registry data)';
COMMENT ON COLUMN communes.valid_to IS 'Last day the unit existed: 2025-06-30 for units reorganised on 01/07/2025, NULL while current';
COMMENT ON COLUMN communes.successor_code IS 'GSO code of the unit it became on 01/07/2025 (communes_2025.commune_code), used by units := 2025, NULL when unknown';
COMMENT ON COLUMN communes.successor_name IS 'Name of that successor unit (e.g. Thiên Trường)';
COMMENT ON COLUMN communes.successor_type IS 'Unit type of that successor: xã, phường or đặc khu';
COMMENT ON TABLE communes_2025 IS 'Commune-level units from 01/07/2025 (after the 2025 reorganisation, no district level) that the communes in scope became';
COMMENT ON COLUMN communes_2025.commune_code IS 'GSO code of the new unit (mã xã từ 01/07/2025)';
COMMENT ON COLUMN communes_2025.commune_name IS 'Name of the new unit without unit type (e.g. Thiên Trường)';
COMMENT ON COLUMN communes_2025.unit_type IS 'Unit type: xã, phường or đặc khu';
COMMENT ON COLUMN communes_2025.province_code IS 'GSO province code (mã tỉnh) from 01/07/2025, e.g. 37';
COMMENT ON COLUMN communes_2025.province_name IS 'Province name (tỉnh) from 01/07/2025, e.g. Ninh Bình';
COMMENT ON COLUMN communes_2025.valid_from IS 'First day the unit exists: 2025-07-01';
COMMENT ON TABLE procedures IS 'Procedure catalogue in use (danh mục TTHC): procedures published per level of government, with their level of online service, read by procedure_indicators. Replaced every run';
COMMENT ON COLUMN procedures.procedure_code IS 'Procedure code (mã TTHC), e.g. 1.001193';
COMMENT ON COLUMN procedures.procedure_name IS 'Procedure name (tên thủ tục hành chính)';
COMMENT ON COLUMN procedures.sector IS 'Sector (lĩnh vực) as written in the catalogue';
COMMENT ON COLUMN procedures.online_level IS 'Level of online service: full (toàn trình), partial (một phần) or none';
COMMENT ON COLUMN procedures.is_published IS 'Published (công khai), true when the catalogue gives no value';
COMMENT ON COLUMN procedures.admin_level IS 'Level of government: commune (cấp xã, also when not given), else the catalogue text as a matching key without diacritics or spaces (e.g. caphuyen)';
COMMENT ON COLUMN procedures.commune_code IS 'GSO code of the commune the row applies to, NULL = every commune of the level';
COMMENT ON TABLE reasons IS 'Quarantine reason codes and their Vietnamese messages (lý do cách ly), from schemas/reasons.csv, rewritten every run';
COMMENT ON COLUMN reasons.reason IS 'Reason code, e.g. case_id_missing, received_at_unparseable, conflicting_duplicate';
COMMENT ON COLUMN reasons.message IS 'The message shown to officials, in Vietnamese';

-- materialised periods and figures (recreated by every build) -----------------------------------
COMMENT ON TABLE periods IS 'Periods materialised in report_form and indicators: every calendar quarter from the first received case to the last quarter holding any date of the data (capped at runs.as_of), and the years of those quarters. Rebuilt every run';
COMMENT ON COLUMN periods.period IS 'Period label: 2024Q1 for a quarter, 2024 for a year';
COMMENT ON COLUMN periods.period_kind IS 'quarter or year';
COMMENT ON COLUMN periods.period_start IS 'First day of the period';
COMMENT ON COLUMN periods.period_end IS 'Last day of the period, inclusive to 23:59:59 local time';
COMMENT ON TABLE report_form IS 'Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) per commune × period × sector for every row of periods, sector NULL = all sectors (total row), in-progress cases judged at runs.as_of. No row for a commune without any case in the period. Rebuilt every run';
COMMENT ON COLUMN report_form.commune_code IS 'GSO code of the commune recorded on the cases (2024 units), NULL for cases whose agency did not resolve';
COMMENT ON COLUMN report_form.commune_name IS 'Commune name without unit type (e.g. Mỹ Tân)';
COMMENT ON COLUMN report_form.period IS 'Period label (periods.period): 2024Q1 for a quarter, 2024 for a year';
COMMENT ON COLUMN report_form.period_start IS 'First day of the period';
COMMENT ON COLUMN report_form.period_end IS 'Last day of the period, inclusive to 23:59:59 local time';
COMMENT ON COLUMN report_form.sector IS 'Sector (lĩnh vực), NULL = all sectors (the total row, dòng tổng)';
COMMENT ON COLUMN report_form.received_total IS 'Cases to resolve (số hồ sơ nhận giải quyết, tổng số), Biểu 06 column 3 = received_online + received_offline + carried_over = resolved_total + in_progress_total + withdrawn_stopped';
COMMENT ON COLUMN report_form.received_online IS 'Received in the period online (trong đó: trực tuyến), Biểu 06 column 4, refused cases excluded';
COMMENT ON COLUMN report_form.received_offline IS 'Received in the period in person or by post (trong đó: trực tiếp, dịch vụ bưu chính), Biểu 06 column 5, refused cases excluded';
COMMENT ON COLUMN report_form.carried_over IS 'Received before the period and not finished before it started (từ kỳ trước chuyển qua), Biểu 06 column 6';
COMMENT ON COLUMN report_form.resolved_total IS 'Resolved in the period (số hồ sơ đã giải quyết, tổng số), Biểu 06 column 7 = resolved_early + resolved_on_time + resolved_late, withdrawn, stopped and refused cases excluded';
COMMENT ON COLUMN report_form.resolved_early IS 'Cases resolved before the due day (trước hạn): date(finished_at) < date(due_at), Biểu 06 column 8';
COMMENT ON COLUMN report_form.resolved_on_time IS 'Cases resolved on the due day by the deadline (đúng hạn): not early and finished_at <= tthc_deadline(due_at), Biểu 06 column 9';
COMMENT ON COLUMN report_form.resolved_late IS 'Cases resolved after the deadline (quá hạn): finished_at > tthc_deadline(due_at), Biểu 06 column 10';
COMMENT ON COLUMN report_form.in_progress_total IS 'Cases not finished at the end of the period (số hồ sơ đang giải quyết, tổng số), Biểu 06 column 11 = in_progress_on_time + in_progress_overdue';
COMMENT ON COLUMN report_form.in_progress_on_time IS 'In progress with the deadline not passed at min(end of period, as_of) (trong hạn), Biểu 06 column 12';
COMMENT ON COLUMN report_form.in_progress_overdue IS 'In progress with the deadline passed at min(end of period, as_of) (quá hạn), Biểu 06 column 13';
COMMENT ON COLUMN report_form.withdrawn_stopped IS 'Withdrawn or stopped in the period (rút hồ sơ, dừng xử lý), extra column, never early, on time or late';
COMMENT ON COLUMN report_form.refused_at_intake IS 'Refused at intake in the period, by received date (không được tiếp nhận), extra column outside every total';
COMMENT ON TABLE indicators IS 'Indicators of the quarterly report (chỉ tiêu, Bộ chỉ số 766) in long form: one row per commune × period × sector × indicator for every row of periods, sector NULL = all sectors, in-progress cases judged at runs.as_of. Rebuilt every run';
COMMENT ON COLUMN indicators.commune_code IS 'GSO code of the commune recorded on the cases (2024 units), NULL for cases whose agency did not resolve';
COMMENT ON COLUMN indicators.commune_name IS 'Commune name without unit type (e.g. Mỹ Tân)';
COMMENT ON COLUMN indicators.period IS 'Period label (periods.period): 2024Q1 for a quarter, 2024 for a year';
COMMENT ON COLUMN indicators.period_start IS 'First day of the period';
COMMENT ON COLUMN indicators.period_end IS 'Last day of the period, inclusive to 23:59:59 local time';
COMMENT ON COLUMN indicators.sector IS 'Sector (lĩnh vực), NULL = all sectors';
COMMENT ON COLUMN indicators.indicator IS 'Indicator code: resolved_online, resolved_digitized (counts), early_pct, on_time_pct, late_pct (tỷ lệ trước hạn, đúng hạn, quá hạn), timely_pct (766 2.1), online_pct (766 3.3), digitized_pct (766 4.2), paid_online_pct (766 3.6), e_result_pct (766 4.1), avg_resolution_days (766 2.2)';
COMMENT ON COLUMN indicators.numerator IS 'Numerator, a count of cases, except for avg_resolution_days: the sum of (finished_at - received_at) in days over resolved cases';
COMMENT ON COLUMN indicators.denominator IS 'Denominator (cases): resolved_total for early_pct, on_time_pct, late_pct, digitized_pct and avg_resolution_days, received_total for timely_pct, received in the period for online_pct, received with fee > 0 and a known payment flag for paid_online_pct, resolved with a known e-result flag for e_result_pct, NULL for the two counts';
COMMENT ON COLUMN indicators.value IS 'The figure: counts as counts, the _pct indicators as a percentage 0 to 100 rounded to 2 decimals, avg_resolution_days in days rounded to 2 decimals, NULL when the denominator is 0 (không có số liệu)';

-- sequence ---------------------------------------------------------------------------------------
COMMENT ON SEQUENCE file_seq_counter IS 'Next ingested_files.file_seq: the load order of files';

-- table macros (use in FROM) ---------------------------------------------------------------------
COMMENT ON MACRO TABLE period_counts IS 'Counts of every classification group (Biểu 06 columns and the indicator numerators and denominators) per commune × period × sector and all sectors (sector NULL), for a list of {period, period_start, period_end}, the one aggregation behind report_form_for and indicators_for';
COMMENT ON MACRO tthc_period_list IS 'The rows of a table shaped like periods (period, period_start, period_end), given by its name, as the list of structs period_counts takes (an empty table gives an empty list)';
COMMENT ON MACRO TABLE report_form_of IS 'Biểu 06 columns (report_form) shaped from a period_counts result, given by the name of a table or CTE holding it';
COMMENT ON MACRO TABLE indicators_of IS 'The long-form indicators (indicators) computed from a period_counts result, given by the name of a table or CTE holding it';
COMMENT ON MACRO TABLE report_form_between IS 'Biểu 06 with the columns of report_form for any date range [start_date, end_date], end inclusive, period label yyyy-mm-dd..yyyy-mm-dd. Optional as_of := naive local timestamp judging in-progress cases (default: now, at query time), units := 2025 rolls 2024 communes up into their 01/07/2025 successors (default 2024)';
COMMENT ON MACRO TABLE indicators_between IS 'The columns of indicators for any date range [start_date, end_date], end inclusive, period label yyyy-mm-dd..yyyy-mm-dd. Optional as_of := naive local timestamp judging in-progress cases (default: now, at query time), units := 2025 rolls 2024 communes up into their 01/07/2025 successors (default 2024)';
COMMENT ON MACRO TABLE procedure_indicators IS 'Catalogue indicators of one commune (GSO code): procedures_published (công khai), procedures_full_online (toàn trình) and procedures_full_online_pct (0 to 100, 2 decimals), value NULL when the commune publishes none. Rows: indicator, numerator, denominator, value';
COMMENT ON MACRO TABLE classified_for IS 'Every case relevant to each period of period_list (a list of structs period, period_start, period_end) with k = tthc_classify(...), the struct of booleans saying how it counts. as_of: naive local timestamp, in-progress cases judged at min(end of period, as_of). units := 2025 reports communes under their 01/07/2025 successor (default 2024)';
COMMENT ON MACRO TABLE report_form_for IS 'The columns of report_form for each period of period_list (a list of structs period, period_start, period_end), per commune × sector plus the sector NULL total row, in-progress cases judged at as_of. units := 2025 rolls up into 01/07/2025 units (default 2024)';
COMMENT ON MACRO TABLE indicators_for IS 'The columns of indicators for each period of period_list (a list of structs period, period_start, period_end), in-progress cases judged at as_of. units := 2025 rolls up into 01/07/2025 units (default 2024)';

-- scalar macros: counting ------------------------------------------------------------------------
COMMENT ON MACRO tthc_deadline IS 'Deadline D of a due time d (hạn giải quyết): d itself when it has a time of day, else 23:59:59 of that day (00:00 means no time)';
COMMENT ON MACRO tthc_classify IS 'The one definition of how a case counts in period [s, e] (indicators.md): struct of booleans received, received_online, received_offline, carried_over, refused_at_intake, resolved, resolved_early, resolved_on_time, resolved_late, withdrawn_stopped, in_progress, in_progress_on_time, in_progress_overdue. r, f, d = received_at, finished_at, due_at, s and e dates with e inclusive to 23:59:59, horizon = when in-progress cases are judged';
COMMENT ON MACRO tthc_is_received IS 'Part of tthc_classify: a case received (not refused) within [s, e], r = received_at, s and e dates, e inclusive to 23:59:59';
COMMENT ON MACRO tthc_is_resolved IS 'Part of tthc_classify: a case resolved (not refused, withdrawn or stopped) with finished_at within [s, e] and received before the end of e';
COMMENT ON MACRO tthc_is_in_progress IS 'Part of tthc_classify: a case received by the end of e (not refused) and not finished by then (f NULL or after e)';
COMMENT ON MACRO tthc_pct IS 'Percentage 100 × num / den rounded to 2 decimals, NULL when den is 0 or NULL or num is NULL';
COMMENT ON MACRO tthc_period_label IS 'Label of a custom period: yyyy-mm-dd..yyyy-mm-dd from its first and last day';

-- scalar macros: parsing (used while loading) ----------------------------------------------------
COMMENT ON MACRO tthc_parse_ts IS 'The one strict day-first date parser: export text to a naive local TIMESTAMP (Asia/Ho_Chi_Minh), 00:00 = no time of day, NULL when empty or unparseable (never month-first, 31/02/2024 never repaired)';
COMMENT ON MACRO tthc_parse_ts_slow IS 'Slow path of tthc_parse_ts: trims the text and tries the accepted forms by shape (d/m/yyyy, ISO 8601, yyyyMMdd[HHmmss], Excel serial, HH:MM d/m/yyyy)';
COMMENT ON MACRO tthc_ts_dmy IS 'Parses d/m/yyyy or dd/mm/yyyy with an optional H:MM[:SS] time (separators / . -), day first, NULL otherwise';
COMMENT ON MACRO tthc_ts_hm_dmy IS 'Parses HH:MM[:SS] dd/mm/yyyy (time first, as some one-stop software prints it), NULL otherwise';
COMMENT ON MACRO tthc_ts_compact IS 'Parses yyyyMMddHHmmss (DVCQG synchronisation format) and yyyyMMdd, NULL otherwise';
COMMENT ON MACRO tthc_ts_iso IS 'Parses ISO 8601 yyyy-mm-dd[Thh:mm[:ss][.fff]][offset] to naive local time: an offset (Z, +hh:mm) is converted to +07:00, none means local already';
COMMENT ON MACRO tthc_iso_offset_minutes IS 'Minutes to add to a time with ISO offset tz (Z, +hh:mm, -hhmm, empty = local) to get local time +07:00';
COMMENT ON MACRO tthc_ts_serial IS 'Excel serial day number as text (1900 date system, 1 to 2958465, fraction = time of day) to a naive timestamp, NULL otherwise';
COMMENT ON MACRO tthc_ts_exact IS 'try_strptime(raw, fmt), accepted only when it prints back to exactly raw (no repaired dates), else NULL';
COMMENT ON MACRO tthc_ts_from_parts IS 'Timestamp from a struct of text parts y, m, d, hh, mi, ss (empty time parts = 0) through tthc_make_ts';
COMMENT ON MACRO tthc_make_ts IS 'Timestamp from numeric parts y, m, d, hh, mi, ss, NULL when any part is out of range (31/02 gives NULL, never rolls over)';
COMMENT ON MACRO tthc_days_in_month IS 'Days in month m of year y, Gregorian leap years';
COMMENT ON MACRO tthc_ts_in_range IS 'True when ts is NULL or within 2000-01-01 to 2099-12-31, else the row is quarantined as date_out_of_range';
COMMENT ON MACRO tthc_parse_amount IS 'Amount as offices type it (50000, 50.000, 50,000, 50.000 đ, 1.234.567,5) to DOUBLE in VND, NULL when empty or not a number';
COMMENT ON MACRO tthc_parse_amount_slow IS 'Slow path of tthc_parse_amount: strips a currency suffix (đ, đồng, VNĐ, ₫) and reads dot or comma thousands and decimals';
COMMENT ON MACRO tthc_scrub IS 'Free text with e-mail addresses and phone or ID-like digit runs masked as [đã ẩn], NFC, trimmed, NULL when empty';
COMMENT ON MACRO tthc_text IS 'Text NFC-normalised, whitespace runs collapsed to one space and trimmed, NULL when empty';
