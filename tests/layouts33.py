"""Horizontal layouts of published power lists (issue 33), written here from how counties publish them, each with
its ledger (tests/conservation.py): what every data cell holds and which power should hold it.

- ``market``: a county 市场监督管理局 权责清单 — a title row, a two-level header 办理时限 → 法定期限 | 承诺期限,
  section rows 一、行政许可（共3项）, a 主项 merged over its 子项 rows, several laws in one 实施依据 cell with quoted
  text (；and …… inside the quote), 责任事项 and 追责情形 as numbered lines (the last duty without a stage, the
  追责 list under a preamble), "/" and 即办 as limits, 自立案之日起90日, 备注, a footnote row; as XLSX and as the
  GBK CSV that Excel's 另存为 writes (the merged cells' value in their first cell, blanks after).
- ``township``: a 乡镇 权责清单 CSV with 《中华人民共和国土地管理法》第十四条第二款, a power the 镇 implements
  jointly with the county's 自然资源局 (实施主体 "某某镇人民政府、县自然资源局"), and a planted T301.

Every article cited is real (checked against LawRefBook's text); every quote is the article's words.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from tests.conservation import Ledger

SPG = "中华人民共和国食品安全法"
PRICE = "中华人民共和国价格法"
SE = "中华人民共和国特种设备安全法"
LAND = "中华人民共和国土地管理法"
PLAN = "中华人民共和国城乡规划法"

LICENCE_DUTIES = (
    "1.受理责任：公示依法应当提交的材料；一次性告知补正材料；依法受理或不予受理（不予受理的应当告知理由）。\n"
    "2.审查责任：对申请材料进行审查，必要时进行现场核查。\n"
    "3.决定责任：作出准予许可或者不予许可的决定（不予许可的应当书面说明理由）。\n"
    "4.送达责任：准予许可的，制发许可证件并送达。\n"
    "5.事后监管责任：加强对被许可人的监督检查。\n"
    "6.其他法律法规规章文件规定应履行的责任。"
)
LICENCE_DUTY_ITEMS = [
    {
        "stage": "受理",
        "duty": "公示依法应当提交的材料；一次性告知补正材料；依法受理或不予受理（不予受理的应当告知理由）。",
    },
    {"stage": "审查", "duty": "对申请材料进行审查，必要时进行现场核查。"},
    {"stage": "决定", "duty": "作出准予许可或者不予许可的决定（不予许可的应当书面说明理由）。"},
    {"stage": "送达", "duty": "准予许可的，制发许可证件并送达。"},
    {"stage": "事后监管", "duty": "加强对被许可人的监督检查。"},
    {"duty": "其他法律法规规章文件规定应履行的责任。"},
]
PENALTY_DUTIES = (
    "（1）立案责任：对发现的涉嫌违法行为予以审查，决定是否立案。\n"
    "（2）调查取证责任：全面、客观、公正地调查，收集证据。\n"
    "（3）审理责任：审理案件调查报告，提出处理意见。\n"
    "（4）告知责任：作出行政处罚决定前，告知当事人拟作出处罚的事实、理由、依据及其依法享有的权利。\n"
    "（5）决定责任：制作行政处罚决定书，载明违法事实和证据、处罚依据和内容、救济途径。\n"
    "（6）其他法律法规规章文件规定应履行的责任。"
)
PENALTY_DUTY_ITEMS = [
    {"stage": "立案", "duty": "对发现的涉嫌违法行为予以审查，决定是否立案。"},
    {"stage": "调查取证", "duty": "全面、客观、公正地调查，收集证据。"},
    {"stage": "审理", "duty": "审理案件调查报告，提出处理意见。"},
    {"stage": "告知", "duty": "作出行政处罚决定前，告知当事人拟作出处罚的事实、理由、依据及其依法享有的权利。"},
    {"stage": "决定", "duty": "制作行政处罚决定书，载明违法事实和证据、处罚依据和内容、救济途径。"},
    {"duty": "其他法律法规规章文件规定应履行的责任。"},
]
PREAMBLE = "因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应责任："
LICENCE_ACC_ITEMS = [
    "对符合法定条件的申请不予受理、不予许可的",
    "对不符合法定条件的申请人准予许可的",
    "在许可过程中索取或者收受他人财物或者谋取其他利益的",
    "其他违反法律法规规章文件规定的行为。",
]
PENALTY_ACC_ITEMS = [
    "没有法律和事实依据实施行政处罚的",
    "擅自改变行政处罚种类、幅度的",
    "违反法定的行政处罚程序的",
    "其他违反法律法规规章文件规定的行为。",
]


def _acc(items: list[str], style: str) -> str:
    marks = {"paren": "（{}）", "circle": "{}", "dot": "{}."}
    lines = []
    for n, item in enumerate(items, 1):
        mark = "①②③④⑤"[n - 1] if style == "circle" else marks[style].format(n)
        lines.append(mark + item + ("；" if n < len(items) and not item.endswith("。") else ""))
    return PREAMBLE + "\n" + "\n".join(lines)


Q35 = "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。……"
Q122 = (
    "违反本法规定，未取得食品生产经营许可从事食品生产经营活动，或者未取得食品添加剂生产许可从事食品添加剂生产"
    "活动的，由县级以上人民政府食品安全监督管理部门没收违法所得和违法生产经营的食品、食品添加剂以及用于违法生产"
    "经营的工具、设备、原料等物品；……"
)
MARKET_TITLE = "某某县市场监督管理局权责清单（2024年版）"
MARKET_HEADER = [
    "序号",
    "事项编码",
    "主项名称",
    "子项名称",
    "实施主体",
    "承办机构",
    "实施依据",
    "办理时限",
    "",
    "收费依据及标准",
    "责任事项",
    "追责情形",
    "备注",
]
MARKET_UNIT = "某某县市场监督管理局"
SUB1 = "食品生产许可证核发（新办）"
SUB2 = "食品生产许可证变更"


def market() -> tuple[list[list[str]], list[tuple[int, int, int, int]], Ledger]:
    """The rows (each merge's value in its first cell only), the merges (r0, c0, r1, c1 inclusive, 0-based),
    and the ledger of the table as an XLSX reader gives it (merged cells filled)."""
    w = len(MARKET_HEADER)
    rows: list[list[str]] = [[MARKET_TITLE] + [""] * (w - 1), MARKET_HEADER[:]]
    rows.append(["", "", "", "", "", "", "", "法定期限", "承诺期限", "", "", "", ""])
    merges = [(0, 0, 0, w - 1), (1, 7, 1, 8)] + [(1, c, 2, c) for c in range(w) if c not in (7, 8)]
    led = Ledger(header_rows={0, 1, 2})

    def section(text: str) -> int:
        rows.append([text] + [""] * (w - 1))
        merges.append((len(rows) - 1, 0, len(rows) - 1, w - 1))
        return len(rows) - 1

    r = section("一、行政许可（共3项）")
    licences = ["食品生产许可", SUB1, SUB2, "食品经营许可", "特种设备使用登记"]
    for name in licences:
        led.add(r, 0, "category", name, "行政许可", "一、行政许可（共3项）")
    # 主项 食品生产许可 over its two 子项 rows: 序号, 编码, 主项名称, 主体, 机构, 依据, 收费, 责任, 追责, 备注 merged.
    basis = f"1.《{SPG}》第三十五条第一款：“{Q35}”\n2.《{SPG}》第三十五条第二款、《中华人民共和国行政许可法》第二十七条"
    rows.append(
        [
            "1",
            "341122-XK-001",
            "食品生产许可",
            SUB1,
            MARKET_UNIT,
            "食品生产监管股",
            basis,
            "20个工作日",
            "10个工作日",
            "不收费",
            LICENCE_DUTIES,
            _acc(LICENCE_ACC_ITEMS, "paren"),
            "按省局统一编码；“新办”含首次申请",
        ]
    )
    rows.append(["", "", "", SUB2, "", "", "", "20个工作日", "即办", "", "", "", ""])
    a = len(rows) - 2
    for c in (0, 1, 2, 4, 5, 6, 9, 10, 11, 12):
        merges.append((a, c, a + 1, c))
    main = "食品生产许可"
    led.add(a, 0, "name", main, main)
    led.add(a, 1, "code", main, "341122-XK-001")
    led.add(a, 2, "name", main, main)
    for sub, r_ in ((SUB1, a), (SUB2, a + 1)):
        led.add(r_, 3, "parent", sub, main, sub)
    for name in (main, SUB1, SUB2):
        led.add(a, 4, "unit", name, MARKET_UNIT)
        led.add(a, 5, "department", name, "食品生产监管股")
        led.add(a, 6, "cite", name, (SPG, "第三十五条第一款", Q35), "第三十五条第一款")
        led.add(a, 6, "cite", name, (SPG, "第三十五条第二款", None), "第三十五条第二款")
        led.add(a, 6, "cite", name, ("中华人民共和国行政许可法", "第二十七条", None), "第二十七条")
        led.add(a, 9, "fee", name, {"charged": False}, "不收费")
        for item in LICENCE_DUTY_ITEMS:
            led.add(a, 10, "duty", name, item, item["duty"])
        for item in LICENCE_ACC_ITEMS:
            led.add(a, 11, "acc", name, item.rstrip("；"), item)
        led.add(a, 11, "report", None, PREAMBLE)
        led.add(a, 12, "note", name, "按省局统一编码；“新办”含首次申请")
    led.add(a, 7, "limit", SUB1, ("statutory", 20), "20个工作日")
    led.add(a, 8, "limit", SUB1, ("promised", 10), "10个工作日")
    led.add(a + 1, 7, "limit", SUB2, ("statutory", 20), "20个工作日")
    led.add(a + 1, 8, "limit", SUB2, ("promised", "即办"), "即办")
    # A 主项 without 子项 ("/" in 子项名称), and one with the planted 承诺 20 > 法定 15 (T301).
    rows.append(
        [
            "2",
            "341122-XK-002",
            "食品经营许可",
            "/",
            MARKET_UNIT,
            "食品流通监管股",
            f"《{SPG}》第三十五条第一款",
            "20个工作日",
            "10个工作日",
            "不收费",
            LICENCE_DUTIES,
            _acc(LICENCE_ACC_ITEMS, "circle"),
            "仅销售预包装食品的，实行备案",
        ]
    )
    rows.append(
        [
            "3",
            "341122-XK-003",
            "特种设备使用登记",
            "",
            MARKET_UNIT,
            "特种设备安全监察股",
            f"《{SE}》第三十三条",
            "15个工作日",
            "20个工作日",
            "/",
            LICENCE_DUTIES,
            _acc(LICENCE_ACC_ITEMS, "dot"),
            "",
        ]
    )
    for r_, name, dept, cite in (
        (len(rows) - 2, "食品经营许可", "食品流通监管股", (SPG, "第三十五条第一款", None)),
        (len(rows) - 1, "特种设备使用登记", "特种设备安全监察股", (SE, "第三十三条", None)),
    ):
        led.add(r_, 0, "name", name, name)
        led.add(r_, 1, "code", name, rows[r_][1])
        led.add(r_, 2, "name", name, name)
        led.add(r_, 4, "unit", name, MARKET_UNIT)
        led.add(r_, 5, "department", name, dept)
        led.add(r_, 6, "cite", name, cite, cite[1])
        led.add(r_, 9, "fee", name, {"charged": False}, rows[r_][9])
        for item in LICENCE_DUTY_ITEMS:
            led.add(r_, 10, "duty", name, item, item["duty"])
        for item in LICENCE_ACC_ITEMS:
            led.add(r_, 11, "acc", name, item.rstrip("；"), item)
        led.add(r_, 11, "report", None, PREAMBLE)
    led.add(len(rows) - 2, 3, "plain", "食品经营许可", "/")
    led.add(len(rows) - 2, 12, "note", "食品经营许可", "仅销售预包装食品的，实行备案")
    for c, key, value in ((7, "statutory", 20), (8, "promised", 10)):
        led.add(len(rows) - 2, c, "limit", "食品经营许可", (key, value), rows[-2][c])
    for c, key, value in ((7, "statutory", 15), (8, "promised", 20)):
        led.add(len(rows) - 1, c, "limit", "特种设备使用登记", (key, value), rows[-1][c])

    r = section("二、行政处罚（共2项）")
    p1 = "对未取得食品生产经营许可从事食品生产经营活动的处罚"
    p2 = "对经营者相互串通操纵市场价格等不正当价格行为的处罚"
    for name in (p1, p2):
        led.add(r, 0, "category", name, "行政处罚", "二、行政处罚（共2项）")
    rows.append(
        [
            "4",
            "341122-CF-001",
            p1,
            "",
            MARKET_UNIT,
            "执法稽查大队",
            f"《{SPG}》第一百二十二条第一款：“{Q122}”；《中华人民共和国行政处罚法》第二十二条、第二十三条",
            "自立案之日起90日",
            "/",
            "/",
            PENALTY_DUTIES,
            _acc(PENALTY_ACC_ITEMS, "paren"),
            "情节严重的，吊销许可证",
        ]
    )
    rows.append(
        [
            "5",
            "341122-CF-002",
            p2,
            "",
            MARKET_UNIT,
            "价格监督检查股",
            f"《{PRICE}》第十四条第（一）项、第（三）项，第四十条第一款",
            "自立案之日起90日",
            "60日",
            "/",
            PENALTY_DUTIES,
            _acc(PENALTY_ACC_ITEMS, "dot"),
            "",
        ]
    )
    cites = {
        p1: [
            (SPG, "第一百二十二条第一款", Q122),
            ("中华人民共和国行政处罚法", "第二十二条", None),
            ("中华人民共和国行政处罚法", "第二十三条", None),
        ],
        p2: [(PRICE, "第十四条第一项", None), (PRICE, "第十四条第三项", None), (PRICE, "第四十条第一款", None)],
    }
    for r_, name, dept in ((len(rows) - 2, p1, "执法稽查大队"), (len(rows) - 1, p2, "价格监督检查股")):
        led.add(r_, 0, "name", name, name)
        led.add(r_, 1, "code", name, rows[r_][1])
        led.add(r_, 2, "name", name, name)
        led.add(r_, 4, "unit", name, MARKET_UNIT)
        led.add(r_, 5, "department", name, dept)
        for cite in cites[name]:
            led.add(r_, 6, "cite", name, cite, cite[1].replace("第", ""))
        led.add(r_, 7, "limit", name, ("statutory", 90), "90日")
        led.add(r_, 7, "limit", name, ("from", "自立案之日起"), "自立案之日起")
        led.add(r_, 9, "fee", name, {"charged": False}, "/")
        for item in PENALTY_DUTY_ITEMS:
            led.add(r_, 10, "duty", name, item, item["duty"])
        for item in PENALTY_ACC_ITEMS:
            led.add(r_, 11, "acc", name, item.rstrip("；"), item)
        led.add(r_, 11, "report", None, PREAMBLE)
    led.add(len(rows) - 2, 8, "limit", p1, ("promised", None), "/")
    led.add(len(rows) - 2, 12, "note", p1, "情节严重的，吊销许可证")
    led.add(len(rows) - 1, 8, "limit", p2, ("promised", 60), "60日")

    r = section("三、行政检查（共1项）")
    p3 = "对食品生产经营者遵守食品安全法情况的监督检查"
    led.add(r, 0, "category", p3, "行政检查", "三、行政检查（共1项）")
    rows.append(
        [
            "6",
            "341122-JC-001",
            p3,
            "",
            MARKET_UNIT,
            "食品生产监管股",
            f"《{SPG}》第一百一十条",
            "/",
            "/",
            "不收费",
            "",
            "",
            "",
        ]
    )
    r_ = len(rows) - 1
    for c, kind, value in (
        (0, "name", p3),
        (1, "code", "341122-JC-001"),
        (2, "name", p3),
        (4, "unit", MARKET_UNIT),
        (5, "department", "食品生产监管股"),
        (6, "cite", (SPG, "第一百一十条", None)),
        (7, "limit", ("statutory", None)),
        (8, "limit", ("promised", None)),
        (9, "fee", {"charged": False}),
    ):
        led.add(r_, c, kind, p3, value, rows[r_][c] if kind != "cite" else "第一百一十条")
    note = "注：1.本清单事项编码为省级统一编码；2.办理时限中“/”表示法律法规未规定时限。"
    r = section(note)
    led.add(r, 0, "report", None, note)
    # The XLSX reader fills each merge: those cells are copies, not cells of their own.
    for r0, c0, r1, c1 in merges:
        for rr in range(r0, r1 + 1):
            for cc in range(c0, c1 + 1):
                if (rr, cc) != (r0, c0):
                    led.copies.add((rr, cc))
    return rows, merges, led


def market_xlsx(folder: Path) -> tuple[Path, Ledger]:
    rows, merges, ledger = market()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "权责清单"
    for row in rows:
        sheet.append(row)
    for r0, c0, r1, c1 in merges:
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    path = folder / "某某县市场监督管理局权责清单.xlsx"
    book.save(path)
    return path, ledger


def market_csv(folder: Path) -> tuple[Path, Ledger]:
    """As Excel's 另存为 CSV on a Chinese Windows writes it: GBK, each merge's value in its first cell."""
    rows, _, ledger = market()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = folder / "某某县市场监督管理局权责清单.csv"
    path.write_bytes(out.getvalue().encode("gbk"))
    return path, ledger


TOWN = "某某镇人民政府"
TOWN_HEADER = ["序号", "权力名称", "权力类型", "实施主体", "法律法规依据", "法定时限", "承诺时限", "备注"]


def township() -> tuple[list[list[str]], Ledger]:
    joint = f"{TOWN}、县自然资源局"
    q41 = "在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设的，建设单位或者个人应当向乡、镇人民政府提出申请"
    rows = [
        ["某某镇权责清单"],
        TOWN_HEADER,
        ["1", "土地权属争议调处", "行政裁决", TOWN, f"《{LAND}》第十四条第二款", "/", "/", ""],
        [
            "2",
            "乡村建设规划许可证核发",
            "行政许可",
            joint,
            f"《{PLAN}》第四十一条第一款：“{q41}……”",
            "20个工作日",
            "15个工作日",
            "镇政府受理、初审后报县自然资源局核发",
        ],
        [
            "3",
            "对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的处罚",
            "行政处罚",
            TOWN,
            f"《{PLAN}》第六十五条",
            "自立案之日起90日",
            "60日",
            "",
        ],
        [
            "4",
            "农村村民住宅用地审核批准",
            "行政许可",
            TOWN,
            f"《{LAND}》第六十二条第四款",
            "15个工作日",
            "20个工作日",
            "",
        ],
        ["5", "对农村村民建住宅的监督检查", "行政检查", TOWN, f"《{LAND}》第六十二条第四款", "即办", "即办", ""],
        ["共5项"],
    ]
    width = len(TOWN_HEADER)
    rows = [r + [""] * (width - len(r)) for r in rows]
    led = Ledger(rows=rows, header_rows={0, 1})
    for r in range(2, 7):
        name = rows[r][1]
        led.add(r, 0, "name", name, name)
        led.add(r, 1, "name", name, name)
        led.add(r, 2, "category", name, rows[r][2])
        if r == 3:
            led.add(r, 3, "units", name, [TOWN, "县自然资源局"], joint)
        else:
            led.add(r, 3, "unit", name, TOWN)
    cites = [
        (LAND, "第十四条第二款", None),
        (PLAN, "第四十一条第一款", q41 + "……"),
        (PLAN, "第六十五条", None),
        (LAND, "第六十二条第四款", None),
        (LAND, "第六十二条第四款", None),
    ]
    limits = [(None, None, None), (20, 15, None), (90, 60, "自立案之日起"), (15, 20, None), ("即办", "即办", None)]
    for r, cite, (st, pr, start) in zip(range(2, 7), cites, limits, strict=True):
        name = rows[r][1]
        led.add(r, 4, "cite", name, cite, cite[1])
        led.add(r, 5, "limit", name, ("statutory", st), rows[r][5].replace("自立案之日起", ""))
        led.add(r, 6, "limit", name, ("promised", pr), rows[r][6])
        if start:
            led.add(r, 5, "limit", name, ("from", start), start)
    led.add(3, 7, "note", "乡村建设规划许可证核发", rows[3][7])
    led.add(7, 0, "report", None, "共5项")
    return rows, led


def township_csv(folder: Path) -> tuple[Path, Ledger]:
    rows, ledger = township()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path = folder / "某某镇权责清单.csv"
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path, ledger
