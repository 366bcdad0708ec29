"""An import's columns: its own names and the other headers files give them (aliases).

Headers are compared folded (no accents, case, punctuation or extra spaces), so "¿Menor
encontrado?" and "MENOR ENCONTRADO" are the same column. A header that matches no alias as a
phrase is matched by its words, as municipal exports vary them: the order of the words,
"de la" left out, abbreviations ("Nro. doc. madre") and plurals do not matter. Pure: no
Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crecer.ingest.text import fold


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, no known column)."""


# Words that say nothing about which column a header is (folded).
FILLER_WORDS = frozenset(
    {"DE", "DEL", "LA", "EL", "LOS", "LAS", "Y", "E", "EN", "AL", "A", "POR", "OF", "THE", "N"}
    # "Número de documento" and "Documento", "Número de DNI" and "DNI" name one column.
    | {"NUMERO", "NUMBER"}
)
# Abbreviations seen in exports (folded) -> the word they stand for.
ABBREVIATIONS = {
    "NRO": "NUMERO",
    "NUM": "NUMERO",
    "NU": "NUMERO",
    "NO": "NUMERO",
    "DOC": "DOCUMENTO",
    "DOCUM": "DOCUMENTO",
    "APE": "APELLIDO",
    "APELL": "APELLIDO",
    "AP": "APELLIDO",
    "PAT": "PATERNO",
    "MAT": "MATERNO",
    "NOM": "NOMBRE",
    "NOMB": "NOMBRE",
    "FEC": "FECHA",
    "FE": "FECHA",
    "F": "FECHA",
    "NAC": "NACIMIENTO",
    "COD": "CODIGO",
    "CO": "CODIGO",
    "TIP": "TIPO",
    "TI": "TIPO",
    "CEL": "CELULAR",
    "MAMA": "MADRE",
    "EDUC": "EDUCACION",
    "INSTR": "INSTRUCCION",
}


def header_words(header: str) -> frozenset[str]:
    """The words of a header that name its column: folded (``_`` splits words), without
    filler words, abbreviations spelled out, a plural's ``S`` dropped."""
    words = set()
    for word in fold(header.replace("_", " ")).split():
        word = ABBREVIATIONS.get(word, word)
        if word in FILLER_WORDS:
            continue
        if len(word) > 3 and word.endswith("S"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


@dataclass(frozen=True)
class Columns:
    """The columns an import knows.

    ``aliases`` maps each of Crecer's column names to the other headers seen in files (written
    as printed; folded on use); the name itself, and the name with spaces for underscores, are
    always accepted. ``required`` names the columns without which the file cannot be read (with
    the words that name them in a message), and ``expected`` says in words what a header should
    look like (shown when none is known). ``unread`` are headers the import knows and leaves
    unread on purpose (derived or internal values): they are not reported as unknown."""

    aliases: Mapping[str, Sequence[str]]
    expected: str
    required: Mapping[str, str] = field(default_factory=dict)  # name -> how to call it
    unread: Sequence[str] = ()
    _by_folded: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_words: dict[frozenset[str], str | None] = field(init=False, repr=False, compare=False)
    _unread: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_folded: dict[str, str] = {}
        by_words: dict[frozenset[str], str | None] = {}
        for name, aliases in self.aliases.items():
            for header in (name, name.replace("_", " "), *aliases):
                by_folded.setdefault(fold(header), name)
                words = header_words(header)
                if words:
                    # Words shared by two columns' headers name neither.
                    by_words[words] = name if by_words.get(words, name) == name else None
        object.__setattr__(self, "_by_folded", by_folded)
        object.__setattr__(self, "_by_words", by_words)
        object.__setattr__(self, "_unread", frozenset(fold(header) for header in self.unread))

    @property
    def names(self) -> list[str]:
        return list(self.aliases)

    def name_for(self, header: str) -> str | None:
        """Crecer's column name for a file header, or None when the header is not known."""
        exact = self._by_folded.get(fold(header))
        if exact is not None:
            return exact
        return self._by_words.get(header_words(header))

    def is_unread(self, header: str) -> bool:
        return fold(header) in self._unread

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

    def unknown(self, header: list[str]) -> list[int]:
        """The positions of the header's columns that are not read: not known (nor a
        repetition of a known one), and not left unread on purpose. A blank title counts
        (its cells may hold values)."""
        read = set(self.positions(header).values())
        return [
            index
            for index, title in enumerate(header)
            if index not in read and not self.is_unread(title)
        ]
