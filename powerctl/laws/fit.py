"""Whether a cited article sets what the power does (B109, `laws check --category … --name …`).

Judged only from an article's indexed text and its law's structure, for 行政处罚, 行政许可 and 行政强制, and only
on positive evidence: another article of the same law clearly governs the act the power's name describes (its
distinctive words: the name less 对, 的, 行为, 处罚, 审批 and other words every power has; 80 % of them in that
article, which sets an act of the category: for a law with a 法律责任/罚则 chapter, a penalty in that chapter, a
permit outside it), and either
(a) the cited article names neither the act (under half of its character pairs) nor the power's kind (登记 …);
(b) a 行政处罚 cites an article outside the 法律责任 chapter (a duty or a prohibition) while an article of that
    chapter punishes the act, or points back to the cited one ("违反本法第X条规定的，……");
(c) a 行政许可 cites an article of the 法律责任 chapter while another article sets the permit.
The absence of a word from a list is never evidence by itself: real articles set a permit or a penalty in words no
list foresees. Words are compared as pairs of characters (bigrams), so that 非法占用土地 finds "非法占用的土地"
too. When the corpus has an earlier version of the law and the cited article said then what the power does, the
finding says so and where that text is now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from powerctl.laws.numerals import int_to_cn

if TYPE_CHECKING:
    from powerctl.laws.index import LawIndex

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "行政处罚": ("罚款", "警告", "通报批评", "没收", "吊销", "降低资质等级", "暂扣", "责令停产停业", "责令关闭",
             "限制开展生产经营活动", "限制从业", "拘留", "处分", "处罚"),
    "行政许可": ("许可", "批准", "审批", "核准", "同意", "登记", "准予", "许可证", "核发"),
    "行政强制": ("查封", "扣押", "冻结", "强制", "拆除", "划拨", "拍卖", "代履行", "加处罚款", "滞纳金", "强行"),
}  # fmt: skip
_PENALTY_ONLY = ("罚款", "没收", "吊销", "拘留", "责令停产停业")
# The offence of a penalty article ("未经许可擅自……") is not a permit: cut before the permit words are looked for.
_NEGATED = re.compile(r"(未经|未取得|未依法取得|未按照|未办理|无|不按照|超出|违反)[^，。；：]*|擅自[^，。；]*")
# What every power's name has: cut before the act's words are taken.
_GENERIC = re.compile(
    r"《[^》]*》|[（）()]|违反|规定|的?行政处罚|的?处罚|的?行政强制|的?行政许可|的?审批|的?核准|的?核发|的?审核|"
    r"的?批准|的?许可(?!证)|的?登记|的?备案|行为|对|的|在|和|与|及|或者|或|等|进行|从事|擅自|未经|未依法取得|未取得|"
    r"依法|未|其他|有关|相关|实施|"
    r"单位|个人|以上|以下|[、，,；;：:\s]"
)
_LIABILITY = re.compile(r"法律责任|罚则|处罚")  # the chapter that sets the penalties
# "违反本法第X条（第N款）规定": a penalty article naming the duty it punishes.
_BACK = r"违反本(?:法|条例|办法|规定)[^。；]*?{label}"
# The kind of act a power's name ends in: an article that names it may set the power for a wider class.
_KIND = re.compile(
    r"(许可|审批|核准|批准|登记|注册|备案|认定|确认|检查|抽查|处罚|查封|扣押|征收|奖励|裁决|核发)[）)]?$"
)
STRONG, WEAK = 0.8, 0.5  # share of the act's character pairs: in the article that fits / at most in the cited one


@dataclass(frozen=True)
class Fit:
    """What is wrong with the article, in words, and the article that fits best."""

    message: str
    hint: str
    better: int | None  # the number of the article that fits best, if one does


def act_words(name: str) -> list[str]:
    """The distinctive pieces of a power's name (what it acts on)."""
    text = re.sub(r"^对", "", name.strip())
    return [p for p in _GENERIC.split(text) if len(p) >= 2]


def _pairs(words: Sequence[str]) -> set[str]:
    return {w[i : i + 2] for w in words for i in range(len(w) - 1)}


def _share(pairs: set[str], text: str) -> float:
    return sum(1 for p in pairs if p in text) / len(pairs) if pairs else 0.0


def _says(words: Sequence[str], text: str) -> float:
    """How much of the act an article names: the share (by length) of the act's words that are in it, a word
    counting when 80 % of its character pairs are (非法占用土地 is in "非法占用的土地")."""
    total = sum(len(w) for w in words)
    found = sum(len(w) for w in words if _share(_pairs([w]), text) >= STRONG)
    return found / total if total else 0.0


def has_category(text: str, category: str) -> bool:
    words = CATEGORY_WORDS.get(category, ())
    if category == "行政许可" and any(w in text for w in _PENALTY_ONLY):
        # A penalty article names the permit only as what the offender lacked ("未经批准擅自……的，处……罚款");
        # a prohibition that sets a permit ("未经批准，不得……") has no penalty and keeps its words.
        text = _NEGATED.sub("", text)
    return any(w in text for w in words)


_HEAD = re.compile(r"^第[一二三四五六七八九十百千零〇两]+条(?:之[一二三四五六七八九十]+)?\s*")


def _body(text: str, size: int) -> str:
    """The start of an article's text without its own 第N条."""
    body = _HEAD.sub("", text).replace("\n", " ")
    return body if len(body) <= size else body[: size - 1] + "…"


def _label(number: int, suffix: str = "") -> str:
    return f"第{int_to_cn(number)}条{suffix}"


@lru_cache(maxsize=256)
def _articles(
    index: LawIndex, law: str, pairs: frozenset[str], version: str | None
) -> tuple[tuple[int, str, str], ...]:
    return tuple(index.matching(law, sorted(pairs), version))


@lru_cache(maxsize=64)
def _liability(index: LawIndex, law: str) -> frozenset[tuple[int, str]]:
    """The articles of the law's 法律责任 (罚则) chapter; empty for a law without one."""
    return frozenset(k for k, chapter in index.chapters(law).items() if _LIABILITY.search(chapter))


def judge(index: LawIndex, law: str, number: int, suffix: str, category: str, name: str) -> Fit | None:
    """B109's judgment of the citation of 第number条 of `law` (its indexed title) for a power of `category`
    called `name`; None when it fits, or when that cannot be judged: only positive evidence speaks."""
    if category not in CATEGORY_WORDS:
        return None  # the law's structure says nothing of other categories' acts
    text = index.article(law, number, suffix=suffix)
    words = act_words(name)
    if text is None or not words:
        return None
    pairs = frozenset(_pairs(words))
    liability = _liability(index, law)
    cited = (number, suffix)

    def governs(n: int, s: str, t: str) -> bool:
        """Whether an article sets an act of the category: its words, and for a law with a 法律责任 chapter,
        penalties in that chapter and permits outside it."""
        if liability and category == "行政处罚":
            return (n, s) in liability  # the chapter that sets liabilities, whatever words a penalty takes
        if liability and category == "行政许可" and (n, s) in liability:
            return False
        return has_category(t, category)

    candidates = [
        (share, n, s, t)
        for n, s, t in _articles(index, law, pairs, None)
        if (n, s) != cited and (share := _says(words, t)) >= STRONG and governs(n, s, t)
    ]
    back = _BACK.format(label=re.escape(_label(number, suffix)))
    if category == "行政处罚" and liability and cited not in liability:
        # A penalty article that points back to the cited one ("违反本法第X条规定的，……") is its penalty.
        for n, s in sorted(liability):
            t = index.article(law, n, suffix=s)
            if t is not None and re.search(back, t):
                candidates.append((1.0, n, s, t))
    if not candidates:
        return None  # no other article of the law clearly governs the act: nothing to say
    _, best, best_suffix, best_text = max(candidates, key=lambda c: (c[0], -c[1]))
    kind = category.removeprefix("行政")
    here, there = _label(number, suffix), _label(best, best_suffix)
    kind_of = _KIND.search(name.strip())
    if _share(set(pairs), text) < WEAK and (kind_of is None or not re.search(kind_of.group(1) + "(?!款)", text)):
        # (an article that names the power's own kind, 登记 for 个体工商户登记, may set it for a wider class;
        # 并处罚款 is a fine, not the word 处罚)
        what = f"《{law}》{here}没有写职权所说的行为「{'、'.join(words)}」"
    elif category == "行政处罚" and liability and cited not in liability:
        points = f"，{there}写明违反{here}规定的处罚" if re.search(back, best_text) else ""
        what = f"《{law}》{here}不在该法的法律责任一章，是义务或者禁止性规定，该行为的罚则在{there}{points}"
    elif category == "行政许可" and cited in liability:
        what = f"《{law}》{here}在该法的法律责任一章，是罚则，不是许可的设定"
    else:
        return None
    where = f"该行为的{kind}规定在{there}"
    earlier = _earlier(index, law, number, suffix, category, words)
    if earlier.endswith(f"该内容在{there}"):
        where = ""  # said once: the text moved there
    hint = "；".join(p for p in (earlier, where) if p) or "核对设定依据的条款序号：法律修改后条款序号可能已变化"
    return Fit(f"{what}，与职权不符（现行文本：{_body(text, 60)}）", hint, best)


def _earlier(index: LawIndex, law: str, number: int, suffix: str, category: str, words: Sequence[str]) -> str:
    """What the cited article said in an earlier version of the law, if it said what the power does there,
    and where that text is now."""
    found = index.lookup(law)
    if found is None or len(found.versions) < 2:
        return ""
    newest = found.versions[-1].date
    for version in reversed(found.versions[:-1]):
        old = index.article(law, number, version.date, suffix=suffix)
        if old is None or not has_category(old, category) or _says(words, old) < WEAK:
            continue
        old_pairs = frozenset(_pairs([old]))
        now = max(
            ((_share(set(old_pairs), t), n, s) for n, s, t in _articles(index, law, old_pairs, None)),
            default=None,
        )
        said = f"{version.date[:4]} 年文本{_label(number, suffix)}为「{_body(old, 40)}」"
        if now is None or now[0] < WEAK:
            return said
        return f"{said}，{newest[:4]} 年修订后该内容在{_label(now[1], now[2])}"
    return ""
