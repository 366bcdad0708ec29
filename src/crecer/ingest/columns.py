"""An import's columns: its own names and the other headers files give them (aliases).

Headers are compared folded (no accents, case, punctuation or extra spaces), so "¿Menor
encontrado?" and "MENOR ENCONTRADO" are the same column. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crecer.ingest.text import fold


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, no known column)."""


@dataclass(frozen=True)
class Columns:
    """The columns an import knows.

    ``aliases`` maps each of Crecer's column names to the other headers seen in files (written
    as printed; folded on use); the name itself, and the name with spaces for underscores, are
    always accepted. ``required`` names the columns without which the file cannot be read (with
    the words that name them in a message), and ``expected`` says in words what a header should
    look like (shown when none is known)."""

    aliases: Mapping[str, Sequence[str]]
    expected: str
    required: Mapping[str, str] = field(default_factory=dict)  # name -> how to call it
    _by_folded: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_folded: dict[str, str] = {}
        for name, aliases in self.aliases.items():
            for header in (name, name.replace("_", " "), *aliases):
                by_folded.setdefault(fold(header), name)
        object.__setattr__(self, "_by_folded", by_folded)

    @property
    def names(self) -> list[str]:
        return list(self.aliases)

    def name_for(self, header: str) -> str | None:
        """Crecer's column name for a file header, or None when the header is not known."""
        return self._by_folded.get(fold(header))

    def positions(self, header: list[str]) -> dict[str, int]:
        """Crecer's column name -> position in the header (a repeated header: the first
        counts). Raises :class:`UnreadableFile` when no header is known or a required one is
        missing."""
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            name = self.name_for(title)
            if name:
                positions.setdefault(name, index)
        missing = [words for name, words in self.required.items() if name not in positions]
        if not positions or missing:
            lacking = f"no {', '.join(missing)} column" if missing else "no known column"
            raise UnreadableFile(f"{lacking} in the header; expected {self.expected}")
        return positions
