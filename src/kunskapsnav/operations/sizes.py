def megabytes(size: int) -> str:
    """A size in MB with one decimal and a decimal comma, as Swedish text writes it."""
    return f"{size / 1_000_000:.1f}".replace(".", ",")
