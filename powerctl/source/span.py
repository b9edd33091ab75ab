"""Positions in source files: 1-based, validated on creation, sortable."""

from __future__ import annotations

from dataclasses import dataclass

# A path into loaded data: mapping keys and sequence indexes, as in a JSON pointer.
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 1:
            raise ValueError(f"positions are 1-based: {self.line}:{self.column}")
        if (self.end_line, self.end_column) < (self.line, self.column):
            raise ValueError("a span cannot end before it starts")

    @classmethod
    def point(cls, file: str, line: int = 1, column: int = 1) -> Span:
        return cls(file, line, column, line, column)


def pointer(path: Path) -> str:
    """The JSON pointer (RFC 6901) of a path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
