"""The conservation law of `powerctl import` over generated horizontal layouts (hypothesis), and over the
layouts of tests/layouts33.py: every non-empty cell of every data row, and every line and every citation inside
a multi-line cell, ends up in the catalogue or in the report at its cell. Zero unaccounted."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerctl.importer.build import build
from powerctl.importer.sheets import Table, read_tables
from tests import layouts33
from tests.conservation import Ledger, unaccounted

_DIGITS = "零一二三四五六七八九"


def cn(n: int) -> str:
    """1..999 in Chinese numerals, as a law's article numbers are written (the test's own, not powerctl's)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = _DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


LAWS = [
    "中华人民共和国食品安全法",
    "中华人民共和国价格法",
    "中华人民共和国土地管理法",
    "中华人民共和国城乡规划法",
    "中华人民共和国行政许可法",
    "道路运输条例",
    "中华人民共和国公路法",
]
NAMES = [
    f"{a}{b}" for a in ("对违反", "对擅自", "对未经批准") for b in ("占用道路的处罚", "设置广告的处罚", "经营的处罚")
]
NAMES += [
    "食品生产许可",
    "食品经营许可",
    "特种设备使用登记",
    "土地权属争议调处",
    "乡村建设规划许可证核发",
    "公路超限运输许可",
    "对食品生产经营者的监督检查",
    "计量器具检定",
    "价格监督检查",
]
SUBS = ["（新办）", "（变更）", "（延续）", "（注销）"]
CATEGORIES = [
    ("行政许可", "行政许可"),
    ("许可", "行政许可"),
    ("行政处罚", "行政处罚"),
    ("行政检查", "行政检查"),
    ("其他行政权力", "其他行政权力"),
    ("行政确认", "行政确认"),
]
STAGES = ["受理", "审查", "决定", "送达", "事后监管", "立案", "调查取证", "告知"]
DUTIES = [
    "公示依法应当提交的材料；一次性告知补正材料。",
    "对申请材料进行审查，必要时“现场核查；……”。",
    "作出准予许可或者不予许可的决定。",
    "全面、客观、公正地调查，收集证据。",
    "制作决定书并送达当事人。",
]
STAGELESS = ["其他法律法规规章文件规定应履行的责任。", "法律法规规章规定应履行的其他责任。"]
ITEMS = [
    "对符合法定条件的申请不予受理的",
    "对不符合法定条件的申请人准予许可的",
    "擅自改变处罚种类、幅度的",
    "违反“法定程序；……”实施的",
]
PREAMBLE = "因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应责任："
MARKS = ["{}.", "{}、", "（{}）", "circle", "cn"]
TIMES = [
    ("20个工作日", 20, "工作日", None),
    ("即办", "即办", None, None),
    ("/", None, None, None),
    ("无", None, None, None),
    ("—", None, None, None),
    ("自立案之日起90日", 90, "自然日", "自立案之日起"),
    ("15天", 15, "自然日", None),
    ("10个工作日", 10, "工作日", None),
]
UNITS = ["县市场监督管理局", "县交通运输局", "某某镇人民政府"]
DEPTS = ["执法大队", "行政审批股", "食品生产监管股"]
NOTES = ["按省局统一编码", "仅销售预包装食品的，实行“备案；……”", "含临时许可"]


def _mark(style: str, n: int) -> str:
    if style == "circle":
        return "①②③④⑤⑥⑦⑧⑨⑩"[n - 1]
    if style == "cn":
        return cn(n) + "、"
    return style.format(n)


@st.composite
def citation_cell(draw: Any) -> tuple[str, list[tuple[str, str, str | None]]]:
    """Several laws, each with a list of 条/款/项 (、，和, 至 ranges), a quote holding ；and …… after some."""
    laws = draw(st.lists(st.sampled_from(LAWS), min_size=1, max_size=3))
    pieces, expected = [], []
    for law in laws:
        refs: list[str] = []
        labels: list[str] = []
        for k in range(draw(st.integers(1, 3))):
            art = draw(st.integers(1, 150))
            para = draw(st.one_of(st.none(), st.integers(1, 4)))
            item = draw(st.one_of(st.none(), st.integers(1, 6)))
            if k and labels and draw(st.booleans()) and refs[-1].endswith("项") and item:
                base = labels[-1][: labels[-1].rindex("第")]
                refs.append(f"第（{cn(item)}）项")
                labels.append(f"{base}第{cn(item)}项")
                continue
            if k == 0 and para is None and item is None and draw(st.booleans()):
                span = draw(st.integers(1, 3))
                refs.append(f"第{cn(art)}条至第{cn(art + span)}条")
                labels += [f"第{cn(a)}条" for a in range(art, art + span + 1)]
                continue
            text = f"第{cn(art)}条" + (f"第{cn(para)}款" if para else "")
            label = text
            if item:
                text += draw(st.sampled_from([f"第（{cn(item)}）项", f"第{cn(item)}项"]))
                label += f"第{cn(item)}项"
            refs.append(text)
            labels.append(label)
        joined = refs[0] + "".join(draw(st.sampled_from(["、", "，", "和"])) + r for r in refs[1:])
        quote = draw(
            st.one_of(st.none(), st.sampled_from(["应当依法取得许可；……", "经营者不得有下列行为：（一）……；"]))
        )
        if quote:
            joined += f"：“{quote}”"
        pieces.append(f"《{law}》{joined}")
        expected += [(law, label, None) for label in labels[:-1]] + [(law, labels[-1], quote)]
    style = draw(st.sampled_from(["；", "\n", "numbered"]))
    if style == "numbered":
        mark = draw(st.sampled_from(MARKS[:4]))
        return "\n".join(_mark(mark, n) + p for n, p in enumerate(pieces, 1)), expected
    return style.join(pieces), expected


@st.composite
def duties_cell(draw: Any) -> tuple[str, list[dict[str, str]]]:
    n = draw(st.integers(1, 4))
    items: list[dict[str, str]] = []
    for _ in range(n):
        items.append({"stage": draw(st.sampled_from(STAGES)), "duty": draw(st.sampled_from(DUTIES))})
    if draw(st.booleans()):
        items.append({"duty": draw(st.sampled_from(STAGELESS))})
    mark = draw(st.sampled_from([*MARKS, "none"]))
    lines = [(f"{i['stage']}责任：" if "stage" in i else "") + i["duty"] for i in items]
    if mark == "none":
        return "\n".join(lines), items
    sep = draw(st.sampled_from(["\n", ""]))
    return sep.join(_mark(mark, k) + line for k, line in enumerate(lines, 1)), items


@st.composite
def accountability_cell(draw: Any) -> tuple[str, list[str], str | None]:
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4, unique=True))
    mark = draw(st.sampled_from([*MARKS, "none"]))
    if mark == "none":
        return "；".join(items), items, None
    body = "；\n".join(_mark(mark, k) + item for k, item in enumerate(items, 1)) + "。"
    expected = [*items[:-1], items[-1] + "。"]
    if draw(st.booleans()):
        return PREAMBLE + "\n" + body, expected, PREAMBLE
    return body, expected, None


@st.composite
def layouts(draw: Any) -> tuple[Table, Ledger]:
    csv = draw(st.booleans())  # True: merged cells leave blanks (CSV); False: filled (a sheet read back)
    optional = ["seq", "code", "subject", "department", "basis", "time", "fee", "resp", "acc", "note", "sub"]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True, min_size=2))
    sections = draw(st.booleans())
    if not sections:
        chosen.append("category")
    order = draw(st.permutations(["name", *chosen]))
    two_level = "time" in order and draw(st.booleans())
    names = {
        "seq": ["序号"],
        "code": ["事项编码", "权力编码"],
        "subject": ["实施主体", "实施机关", "行使主体"],
        "department": ["承办机构", "承办科室"],
        "basis": ["实施依据", "法律依据", "设定和实施依据", "职权依据"],
        "fee": ["收费依据及标准", "收费标准"],
        "resp": ["责任事项"],
        "acc": ["追责情形"],
        "note": ["备注"],
        "sub": ["子项名称", "子项"],
        "category": ["职权类别", "权力类型", "事项类型"],
        "name": ["主项名称"] if "sub" in order else ["事项名称", "职权名称", "权力名称", "权责事项名称"],
    }
    columns: list[str] = []  # field per column; time takes two
    top: list[str] = []
    low: list[str] = []
    for f in order:
        if f == "time":
            columns += ["statutory", "promised"]
            if two_level:
                group = draw(st.sampled_from(["办理时限", "时限"]))
                pair = draw(st.sampled_from([("法定期限", "承诺期限"), ("法定", "承诺")]))
                top += [group, group if not csv else ""]
                low += list(pair)
            else:
                pair = draw(st.sampled_from([("法定时限", "承诺时限"), ("法定期限", "承诺期限")]))
                top += list(pair)
                low += ["", ""]
            continue
        columns.append(f)
        text = draw(st.sampled_from(names[f]))
        top.append(text)
        low.append(text if not csv else "")
    width = len(columns)
    col = {f: c for c, f in enumerate(columns)}
    led = Ledger()
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 2))):
        rows.append(
            ["某某县权责清单（共若干项）"]
            + ([""] * (width - 1) if csv else ["某某县权责清单（共若干项）"] * (width - 1))
        )
    rows.append(top)
    if two_level:
        rows.append(low)
    led.header_rows = set(range(len(rows)))
    pool = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    used_names = set(pool)
    n_sections = min(draw(st.integers(1, 2)), len(pool)) if sections else 1
    counter = 0

    def full_row(r: int, values: dict[int, str]) -> list[str]:
        return [values.get(c, "") for c in range(width)]

    for s in range(n_sections):
        cat = draw(st.sampled_from(CATEGORIES))
        powers = pool[s::n_sections]
        if sections:
            title = f"{cn(s + 1)}、{cat[0]}（共{len(powers)}项）"
            rows.append([title] + ([""] * (width - 1) if csv else [title] * (width - 1)))
            sr = len(rows) - 1
            led.copies |= {(sr, c) for c in range(1, width)}
        for name in powers:
            counter += 1
            subs = []
            if "sub" in col and draw(st.booleans()):
                subs = [name + x for x in draw(st.lists(st.sampled_from(SUBS), min_size=2, max_size=3, unique=True))]
                used_names.update(subs)
            first = len(rows)
            members = subs or [name]
            merged: dict[int, str] = {}  # the 主项's cells over its 子项 rows
            merged[col["name"]] = name
            if "seq" in col:
                merged[col["seq"]] = str(counter)
            if "code" in col:
                merged[col["code"]] = f"3411-{counter:03d}"
            if "subject" in col:
                joint = draw(st.booleans()) and draw(st.booleans())
                merged[col["subject"]] = "、".join(UNITS[:2]) if joint else draw(st.sampled_from(UNITS))
            if "category" in col:
                merged[col["category"]] = cat[0]
            for k, member in enumerate(members):
                values = dict(merged) if k == 0 or not csv else {}
                if not csv:
                    values.update(merged)
                r = first + k
                cells = _member_cells(draw, col, values, member, subs, led, r)
                rows.append(full_row(r, cells))
                if k and not csv:
                    led.copies |= {(r, c) for c in merged}
            everyone = [name, *subs]
            led.add(first, col["name"], "name", name, name)
            if "seq" in col:
                led.add(first, col["seq"], "name", name, name, merged[col["seq"]])
            if "code" in col:
                led.add(first, col["code"], "code", name, merged[col["code"]])
            if "subject" in col:
                text = merged[col["subject"]]
                for who in everyone:
                    led.add(first, col["subject"], "units", who, text.split("、"), text)
            for who in everyone:
                if "category" in col:
                    led.add(first, col["category"], "category", who, cat[1], cat[0])
                elif sections:
                    led.add(sr, 0, "category", who, cat[1], title)
    if draw(st.booleans()):
        count = draw(st.sampled_from([f"共{counter}项", f"合计：{counter}项"]))
        rows.append([count] + [""] * (width - 1))
        led.add(len(rows) - 1, 0, "report", None, count)
    if draw(st.booleans()):
        note = "注：本清单“/”表示法律法规未规定时限。"
        rows.append([note] + [""] * (width - 1))
        led.add(len(rows) - 1, 0, "report", None, note)
    led.rows = rows
    return Table("生成.xlsx", "" if csv else "权责清单", rows), led


def _member_cells(
    draw: Any, col: dict[str, int], values: dict[int, str], member: str, subs: list[str], led: Ledger, r: int
) -> dict[int, str]:
    """One row's own cells (a 子项's, or a power's), with their atoms."""
    if subs:
        values[col["sub"]] = member
        parent = member[: -len(next(x for x in SUBS if member.endswith(x)))]
        led.add(r, col["sub"], "parent", member, parent, member)
    elif "sub" in col and draw(st.booleans()):
        values[col["sub"]] = "/"
        led.add(r, col["sub"], "plain", member, "/")
    if "department" in col:
        dept = draw(st.sampled_from(DEPTS))
        values[col["department"]] = dept
        led.add(r, col["department"], "department", member, dept)
    if "basis" in col:
        text, cites = draw(citation_cell())
        values[col["basis"]] = text
        for cite in cites:
            led.add(r, col["basis"], "cite", member, cite, cite[1])
    if "statutory" in col:
        st_ = draw(st.sampled_from(TIMES))
        pr = draw(st.sampled_from(TIMES))
        values[col["statutory"]], values[col["promised"]] = st_[0], pr[0]
        for c, key, t in ((col["statutory"], "statutory", st_), (col["promised"], "promised", pr)):
            led.add(r, c, "limit", member, (key, t[1]), t[0].replace("自立案之日起", ""))
        if st_[3]:
            led.add(r, col["statutory"], "limit", member, ("from", st_[3]), st_[3])
        elif pr[3]:
            led.add(r, col["promised"], "limit", member, ("from", pr[3]), pr[3])
    if "fee" in col:
        text, fee = draw(
            st.sampled_from(
                [
                    ("不收费", {"charged": False}),
                    ("/", {"charged": False}),
                    ("按规定标准收取", {"charged": True, "standard": "按规定标准收取"}),
                ]
            )
        )
        values[col["fee"]] = text
        led.add(r, col["fee"], "fee", member, fee, text)
    if "resp" in col:
        text, items = draw(duties_cell())
        values[col["resp"]] = text
        for item in items:
            led.add(r, col["resp"], "duty", member, item, item["duty"])
    if "acc" in col:
        text, lines, preamble = draw(accountability_cell())
        values[col["acc"]] = text
        for line in lines:
            led.add(r, col["acc"], "acc", member, line)
        if preamble:
            led.add(r, col["acc"], "report", None, preamble)
    if "note" in col and draw(st.booleans()):
        note = draw(st.sampled_from(NOTES))
        values[col["note"]] = note
        led.add(r, col["note"], "note", member, note)
    return values


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(layouts(), st.booleans())
def test_generated_layouts_lose_nothing(layout: tuple[Table, Ledger], through_a_file: bool) -> None:
    table, ledger = layout
    if through_a_file and not table.name:  # a CSV layout as Excel saves it (GBK), read back by the importer
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "生成.csv"
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(table.rows)
            path.write_bytes(out.getvalue().encode("gbk"))
            (table,) = read_tables(path, "生成.xlsx")
        assert table.rows == [[c.strip() for c in row] for row in ledger.rows]
    result = build([table], "本单位")
    lost = unaccounted(table, ledger, result.units, result.unmapped)
    shown = [(table.where(a.row, a.col), a.kind, a.power, a.value) for a in lost]
    assert not lost, (shown, [(u.where, u.reason, u.text) for u in result.unmapped], table.rows)


@pytest.mark.parametrize("make", [layouts33.market_xlsx, layouts33.market_csv, layouts33.township_csv])
def test_new_layouts_lose_nothing(tmp_path: Path, make: Any) -> None:
    path, ledger = make(tmp_path)
    (table,) = read_tables(path, path.name)
    ledger.rows = table.rows
    result = build([table], "本单位")
    lost = unaccounted(table, ledger, result.units, result.unmapped)
    assert not lost, [(table.where(a.row, a.col), a.kind, a.power, a.value) for a in lost]
    assert len(ledger.atoms) > 30  # the ledger is the layout's, not an empty list
