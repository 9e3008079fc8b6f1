"""File-level rejection: the whole file is refused with one clear sentence."""


class FileRejected(Exception):
    """Raised with a user-facing message (Vietnamese first, English after a dash)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoHeaderFound(FileRejected):
    """No row of the file names the columns of a case export: it may be a report (their figures,
    extract/reports.py) rather than a case export."""
