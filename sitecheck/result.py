"""What one check found: how many things it looked at, its errors and its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Result"]


@dataclass
class Result:
    """The outcome of one check; ``errors`` fail the run, ``warnings`` are only listed."""

    name: str
    checked: int = 0
    detail: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """Return the one-line summary printed for this check."""
        detail = f" ({self.detail})" if self.detail else ""
        return (f"{self.name}: {self.checked} checked{detail}, {len(self.errors)} errors, "
                f"{len(self.warnings)} warnings")
