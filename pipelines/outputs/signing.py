"""Who signs, where and for whom: the lines of a document an official signs and sends (the Biểu 06
sheet, the .docx report in the frame of Nghị định 30/2020/NĐ-CP). The names come from settings;
a name not set stays a blank ("…") to be filled by hand, never a guess."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.config import Settings

BLANK = "…"


@dataclass(frozen=True)
class Signing:
    place: str = ""  # địa danh; empty: the unit's name
    report_to: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""
    preparer_name: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Signing:
        return cls(
            settings.report_place,
            tuple(settings.report_to),
            tuple(settings.report_recipients),
            settings.signer_title or "CHỦ TỊCH",
            settings.signer_name,
            settings.preparer_name,
        )

    def date_line(self, unit_name: str, year: int | None = None) -> str:
        """ "Thiên Trường, ngày … tháng … năm …": the day is written by hand when it is signed."""
        return f"{self.place or unit_name}, ngày {BLANK} tháng {BLANK} năm {year or BLANK}"
