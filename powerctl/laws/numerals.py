"""Chinese numerals as used in article numbers (第一千二百六十条), both ways."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CHARS = frozenset(_DIGITS) | frozenset(_UNITS)


def cn_to_int(text: str) -> int | None:
    """一千二百六十 → 1260, 十二 → 12, 一百零五 → 105; Arabic digits pass through; None if not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in CHARS for ch in text):
        return None
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section = 0
        else:
            section += (1 if digit is None else digit) * unit
        digit = None
    return total + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """1260 → 一千二百六十, 12 → 十二, 105 → 一百零五 (for 1 ≤ n < 10000)."""
    if n <= 0 or n >= 10000:
        return str(n)
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero = False
    for value, name in units:
        d = n // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(("" if (d == 1 and value == 10 and not parts) else digits[d]) + name)
    return "".join(parts)
