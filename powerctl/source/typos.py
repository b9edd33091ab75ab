"""A clerk's typing mistakes in YAML text, found at the character and named in words a clerk knows.

A Chinese input method puts full-width punctuation where YAML needs ASCII (``name：值``, ``，`` between
flow items, ``　`` as indentation, ``［…］``), and a clerk used to Word leaves out the space after a colon
or types a tab. YAML then fails, or reads the line as one text, usually a line or two later than the
mistake. These functions look at the text where the parser gave up (``syntax_typo``), or at the value
the schema rejected (``value_typo``, ``key_typo``), for those causes.

A key counts only when the catalogue schema knows it, so Chinese text in a value is never mistaken
for a key. Each typo carries the edits that correct it; ``powerctl fix`` applies them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from powerctl.resources import SCHEMAS


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``length`` characters at (line, column), both 1-based, with ``text``."""

    line: int
    column: int
    length: int
    text: str


@dataclass(frozen=True, slots=True)
class Typo:
    line: int
    column: int
    message: str
    hint: str
    edits: tuple[Edit, ...] = ()  # empty: not safe to correct automatically


@cache
def schema_keys() -> frozenset[str]:
    """Every field name the catalogue, config and law-registry schemas define."""
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                keys.update(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(SCHEMAS.glob("*.schema.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return frozenset(keys)


_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
# A block key at the start of a line: indentation, any "- " list markers, the key.
_BLOCK_KEY = re.compile(rf"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>{_KEY})(?P<gap>[ 　]*)(?P<colon>[:：])")
# A key after "{" or "," in a flow collection.
_FLOW_KEY = re.compile(rf"(?P<sep>[{{,，])(?P<lead>[ 　]*)(?P<key>{_KEY})(?P<gap>[ 　]*)(?P<colon>[:：])")
_LEADING_WIDE = re.compile(r"^[ 　]*　[ 　]*(?=-[ 　]|[A-Za-z_][A-Za-z0-9_-]*[ 　]*[:：])")
_WIDE_BRACKETS = {"［": "[", "］": "]", "｛": "{", "｝": "}"}
_WIDE_OPEN = re.compile(r"(?:^[ ]*(?:-[ ]+)*|:[ ]+|[-][ ]+)(?P<open>[［｛])")

COLON = "中文冒号“：”"
WIDE_SPACE = "全角空格“　”"
WIDE_COMMA = "中文逗号“，”"


def _at(line: int, column: int) -> str:
    return f"第 {line} 行第 {column} 列"


def _colon_typo(line: int, source: str, key: str, key_end: int, gap: str, colon_at: int) -> Typo | None:
    """A key followed by a full-width colon, a gap before the colon, or no ASCII space after it (0-based)."""
    colon = source[colon_at]
    after = source[colon_at + 1 : colon_at + 2]
    if colon == "：":
        spaced = after in (" ", "　") and after != ""
        edits = [Edit(line, key_end + 1, len(gap) + 1 + spaced, ": ")]
        return Typo(
            line,
            colon_at + 1,
            f"{_at(line, colon_at + 1)}「{key}」后面是{COLON}，YAML 读不出这个字段",
            f"应改为英文冒号“:”并在后面加一个空格，写成 `{key}: …`",
            tuple(edits),
        )
    if after == "　":
        return Typo(
            line,
            colon_at + 2,
            f"{_at(line, colon_at + 2)}冒号后面是{WIDE_SPACE}，YAML 把「{key}」和后面的内容读成了一段文字",
            f"把全角空格换成英文空格，写成 `{key}: …`",
            (Edit(line, colon_at + 2, 1, " "),),
        )
    if after and after not in " \n\r#":
        return Typo(
            line,
            colon_at + 1,
            f"{_at(line, colon_at + 1)}「{key}:」的冒号后面缺少空格，YAML 把它和后面的内容读成了一段文字",
            f"在冒号后面加一个英文空格，写成 `{key}: {source[colon_at + 1 : colon_at + 9]}…`",
            (Edit(line, colon_at + 2, 0, " "),),
        )
    if gap and "　" in gap:
        at = key_end + gap.index("　")
        return Typo(
            line,
            at + 1,
            f"{_at(line, at + 1)}「{key}」与冒号之间有{WIDE_SPACE}",
            f"删去它，写成 `{key}: …`",
            (Edit(line, key_end + 1, len(gap), ""),),
        )
    return None


def _masked(source: str) -> str:
    """The line with the text of its quoted scalars replaced by x (same length): what is inside quotes is a
    value as written, never a mistake in the YAML around it."""
    out = list(source)
    i = 0
    while i < len(source):
        ch = source[i]
        before = source[:i].rstrip()
        if ch in "\"'" and (not before or before[-1] in ":[{,-"):
            j = i + 1
            while j < len(source):
                if ch == '"' and source[j] == "\\":
                    j += 2
                    continue
                if source[j] == ch:
                    if ch == "'" and source[j + 1 : j + 2] == "'":
                        j += 2
                        continue
                    break
                j += 1
            for k in range(i + 1, min(j, len(source))):
                out[k] = "x"
            i = j + 1
            continue
        if ch == "#" and (i == 0 or source[i - 1] in " \t"):
            for k in range(i, len(source)):
                out[k] = "x"  # a comment
            break
        i += 1
    return "".join(out)


def line_typos(line: int, source: str) -> Iterator[Typo]:
    """The typing mistakes on one line, left to right (line is 1-based)."""
    keys = schema_keys()
    original = source
    source = _masked(source)
    stripped = source.lstrip(" ")
    if stripped.startswith("#"):
        return
    lead = _LEADING_WIDE.match(source)
    if lead:
        at = lead.group(0).index("　")
        wide = lead.group(0).count("　")
        yield Typo(
            line,
            at + 1,
            f"{_at(line, at + 1)}行首用{WIDE_SPACE}缩进，YAML 只认英文空格",
            "把行首的全角空格换成英文空格（一个全角空格换成两个英文空格）",
            (Edit(line, 1, len(lead.group(0)), lead.group(0).replace("　", "  ")),) if wide else (),
        )
        return
    indent = len(source) - len(source.lstrip(" \t"))
    if "\t" in source[:indent]:
        at = source.index("\t")
        yield Typo(
            line,
            at + 1,
            f"{_at(line, at + 1)}是制表符（Tab），YAML 只能用空格缩进",
            "把 Tab 换成空格，与同一级的上一行对齐（每级两个空格）",
        )
        return
    block = _BLOCK_KEY.match(source)
    if block and block.group("key") in keys:
        typo = _colon_typo(
            line, original, block.group("key"), block.end("key"), block.group("gap"), block.start("colon")
        )
        if typo is not None:
            yield typo
    for m in _FLOW_KEY.finditer(source):
        if m.group("key") not in keys:
            continue
        if m.group("sep") == "，":
            at = m.start("sep")
            yield Typo(
                line,
                at + 1,
                f"{_at(line, at + 1)}是{WIDE_COMMA}，YAML 把它和后面的「{m.group('key')}」读进了前一项",
                "花括号、方括号里各项之间用英文逗号“,”分隔",
                (Edit(line, at + 1, 1 + len(m.group("lead")), ", "),),
            )
            continue
        typo = _colon_typo(line, original, m.group("key"), m.end("key"), m.group("gap"), m.start("colon"))
        if typo is not None:
            yield typo
    for m in _WIDE_OPEN.finditer(source):
        at = m.start("open")
        edits = tuple(Edit(line, i + 1, 1, _WIDE_BRACKETS[ch]) for i, ch in enumerate(source) if ch in _WIDE_BRACKETS)
        name = "中文方括号“［”" if m.group("open") == "［" else "中文花括号“｛”"
        yield Typo(
            line,
            at + 1,
            f"{_at(line, at + 1)}是{name}，YAML 把整段读成了一段文字",
            "列表用英文方括号 [ ]，映射用英文花括号 { }",
            edits,
        )
        break


def syntax_typo(text: str, line: int, earliest: int | None = None) -> Typo | None:
    """The typing mistake that most likely made the parser fail at ``line``: on that line, or on one of the
    lines before it back to ``earliest`` (the parser's context) or three lines, nearest first."""
    lines = text.splitlines()
    first = max(1, min(earliest or line, line - 3))
    for n in range(min(line, len(lines)), first - 1, -1):
        for typo in line_typos(n, lines[n - 1]):
            if not typo.edits and "\t" in lines[n - 1][: typo.column]:
                edit = _tab_edit(lines, n)
                if edit is not None:
                    return Typo(typo.line, typo.column, typo.message, typo.hint, (edit,))
            return typo
    return None


def _tab_edit(lines: list[str], n: int) -> Edit | None:
    """Tabs in a line's indentation as the spaces that line it up where it can only belong: with the line
    above (a sibling) or two spaces deeper when that line opens a block, whatever width the tab had."""
    source = lines[n - 1]
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    above = next((s for s in reversed(lines[: n - 1]) if s.strip() and not s.lstrip().startswith("#")), None)
    if above is None or "\t" in above[: len(above) - len(above.lstrip())]:
        return None
    column = len(above) - len(above.lstrip(" "))
    opens = above.split(" #", 1)[0].rstrip().endswith(":")
    wanted = column + 2 if opens else column
    widths = {len(indent.expandtabs(w)) for w in (2, 4, 8)}
    if wanted not in widths:
        return None
    return Edit(n, 1, len(indent), " " * wanted)


def _wide_digits(value: str) -> bool:
    return any(unicodedata.category(ch) == "Nd" and not ch.isascii() for ch in value)


def number_typo(line: int, column: int, source_line: str, value: str) -> tuple[Typo, int | float] | None:
    """A number typed with full-width digits (１５, ３.５) where the schema wants a number."""
    folded = unicodedata.normalize("NFKC", value).strip()
    counted = re.fullmatch(r"([0-9]+)\s*(?:个)?\s*(?:工作日|自然日|天|日)", folded)
    if counted:
        start = source_line.find(value, column - 1)
        if start < 0:
            return None
        return (
            Typo(
                line,
                start + 1,
                f"{_at(line, start + 1)}的「{value}」写了单位，这里只写天数",
                f"写成 {counted.group(1)}（工作日还是自然日写在 time_limit 的 unit 中）",
                (Edit(line, start + 1, len(value), counted.group(1)),),
            ),
            int(counted.group(1)),
        )
    if not _wide_digits(value) or not re.fullmatch(r"[-+]?[0-9]+(?:\.[0-9]+)?", folded):
        return None
    number: int | float = float(folded) if "." in folded else int(folded)
    start = source_line.find(value, column - 1)
    if start < 0:
        return None
    first = next(i for i, ch in enumerate(value) if not ch.isascii())
    return (
        Typo(
            line,
            start + first + 1,
            f"{_at(line, start + first + 1)}的数字「{value}」是全角数字，读不成数",
            f"用半角数字，写成 {folded}",
            (Edit(line, start + 1, len(value), folded),),
        ),
        number,
    )


_BOOL_WORDS = {
    "是": True,
    "否": False,
    "对": True,
    "错": False,
    "有": True,
    "无": False,
    "yes": True,
    "no": False,
    "收费": True,
    "不收费": False,
    "免费": False,
}


NOW = "即办"
# What a clerk types for a limit handled on the spot (→ 即办) or for no limit (→ null, the list's “/”).
_NOW_WORDS = frozenset(
    [
        "即时",
        "即时办结",
        "即时办理",
        "即办件",
        "即办结",
        "立即",
        "立即办理",
        "立即办结",
        "当场",
        "当场办结",
        "当场办理",
        "当日",
        "当日办结",
        "当天",
        "当天办结",
        "马上",
        "马上办",
        "马上办理",
        "即来即办",
        "即到即办",
        "随到随办",
        "立等可取",
        "现场办结",
        "当即办结",
    ]
)
_NONE_WORDS = frozenset(["/", "／", "\\", "无", "没有", "不适用", "-", "－", "—", "——", "―"])


def limit_word(value: str) -> tuple[str | None] | None:
    """A word typed as a time limit, as the value it means: (即办,), (None,) for none; None when not one."""
    word = unicodedata.normalize("NFKC", value).strip().strip("。.")
    if word in _NOW_WORDS or unicodedata.normalize("NFKC", word) in _NOW_WORDS:
        return (NOW,)
    if word in _NONE_WORDS or value.strip() in _NONE_WORDS:
        return (None,)
    return None


def bool_word(value: str) -> bool | None:
    """是/否 (and yes/no, which YAML 1.2 reads as text) as the boolean a clerk meant; None otherwise."""
    return _BOOL_WORDS.get(unicodedata.normalize("NFKC", value).strip().lower())


def indented_keys(text: str, lines: list[int]) -> list[Typo]:
    """The lines (1-based) whose key YAML read with full-width spaces in front: indentation meant as such."""
    source = text.splitlines()
    found: list[Typo] = []
    for n in sorted(set(lines)):
        if 0 < n <= len(source) and _LEADING_WIDE.match(source[n - 1]):
            found.extend(t for t in line_typos(n, source[n - 1]) if t.edits)
    return found


def indent_typo(text: str, line: int) -> Typo | None:
    """A key line whose indentation matches none of the levels open above it (the parser gives up there
    or a line later): name the level it should line up with."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    m = _BLOCK_KEY.match(lines[line - 1])
    if m is None or m.group("key") not in schema_keys():
        return None
    column = m.start("key")
    for n in range(line - 1, 0, -1):
        text = lines[n - 1].split(" #", 1)[0].rstrip()
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        opener = _BLOCK_KEY.match(text)
        if opener is not None and text.endswith((":", "：")) and column > opener.start("key"):
            return None  # the first entry of the block the line above opens: any deeper indentation will do
        break
    levels: list[tuple[int, int, str]] = []  # (column, line, key) of the enclosing levels, nearest first
    nearest = len(lines[line - 1])
    for n in range(line - 1, 0, -1):
        above = _BLOCK_KEY.match(lines[n - 1])
        if above is None:
            continue
        at = above.start("key")
        if at < nearest or not levels:
            levels.append((at, n, above.group("key")))
            nearest = min(nearest, at)
        if at == 0:
            break
    if not levels or any(at == column for at, _, _ in levels):
        return None
    # The closest level; between two equally close, the nearer line.
    at, n, key = min(levels, key=lambda lv: (abs(lv[0] - column), line - lv[1]))
    more = column > at
    rest = lines[line - 1][m.end("colon") :].strip()
    # A value on the same line moves with its key; a block below it would have to move too: not done here.
    edits: tuple[Edit, ...] = (Edit(line, 1, column - at, "") if more else Edit(line, 1, 0, " " * (at - column)),)
    if not rest or rest.startswith(("|", ">", "#")) or lines[line - 1][: m.start("key")].strip(" "):
        edits = ()
    return Typo(
        line,
        column + 1,
        f"第 {line} 行「{m.group('key')}」的缩进与上下文对不上：它从第 {column + 1} 列开始，"
        f"第 {n} 行同一级的「{key}」从第 {at + 1} 列开始",
        f"YAML 用缩进表示从属关系：把这一行{'少' if more else '多'}缩进 {abs(column - at)} 个空格，与「{key}」对齐",
        edits,
    )
