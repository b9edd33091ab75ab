"""Text utilities shared by the documents and the drawings: CJK display widths, word breaks, line wrapping."""
