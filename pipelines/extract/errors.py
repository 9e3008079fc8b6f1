"""File-level rejection: the whole file is refused with one clear sentence."""


class FileRejected(Exception):
    """Raised with a user-facing message (Vietnamese first, English after a dash)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
