"""Small French text helpers."""


def nombre(n: int, singulier: str, pluriel: str | None = None) -> str:
    """ "1 page", "0 page", "2 pages": in French, 0 and 1 take the singular."""
    mot = singulier if abs(n) < 2 else (pluriel or f"{singulier}s")
    return f"{n} {mot}"
