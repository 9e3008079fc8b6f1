"""Developer tools kept in the repository and not shipped in the wheel."""
