"""Word documents that give each power a key-value table of its own (written here, not copied from anywhere).

Two layouts as counties and townships publish them: a 县住房和城乡建设局 行政权力责任事项梳理表 (one table per
power, the name inside it; key | value | key | value rows; 办理时限 merged over 法定时限 and 承诺时限; a key cell
merged over two rows of citations; 责任事项 as 一般程序/简易程序 lines; 追责情形 with a preamble), and a township's
权力清单 (section titles, each power's name as a paragraph above a small table: 类别, 实施主体 | 行使层级, 实施依据
with the article's text, 备注). The articles quoted are those of the laws in force (checked against LawRefBook).

Each function writes the document and returns it with every cell it wrote: its place (表N第R行第C列), its text
and whether it is a key, so that a test can account for every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document

UP = "^"  # the cell above goes on over this row (a vertical merge)


@dataclass(frozen=True)
class Written:
    where: str  # 表N第R行第C列
    text: str
    key: bool


# A row: (text, grid columns spanned, is a key); UP as text continues the cell above.
Row = list[tuple[str, int, bool]]


def key(text: str, span: int = 1) -> tuple[str, int, bool]:
    return (text, span, True)


def value(text: str, span: int = 1) -> tuple[str, int, bool]:
    return (text, span, False)


def kv_table(document: Document, number: int, rows: list[Row], written: list[Written], width: int = 4) -> None:
    """A table of `width` grid columns, merged as the rows say, each cell's paragraphs one line of its text."""
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        col = 0
        for text, span, _ in row:
            if span > 1:
                table.cell(r, col).merge(table.cell(r, col + span - 1))
            if text == UP:
                table.cell(r - 1, col).merge(table.cell(r, col + span - 1))
            col += span
        assert col == width, row
    for r, row in enumerate(rows):
        col = 0
        for text, span, is_key in row:
            if text != UP:
                cell = table.cell(r, col)
                lines = text.split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
                if text:
                    written.append(Written(f"表{number}第{r + 1}行第{col + 1}列", text, is_key))
            col += span


# --- (a) 桃江县住房和城乡建设局 行政权力责任事项梳理表 ---------------------------------------------------------

HOUSING_UNIT = "桃江县住房和城乡建设局"
_PERMIT_DUTIES = (
    "1.受理责任：公示依法应当提交的材料；一次性告知补正材料；依法受理或不予受理（不予受理的应当告知理由）。\n"
    "2.审查责任：对申请材料进行审查，提出审查意见。\n"
    "3.决定责任：作出准予许可或不予许可的决定（不予许可的应当告知理由）。\n"
    "4.送达责任：准予许可的，制作并送达施工许可证。\n"
    "5.事后监管责任：对取得施工许可证的建筑工程开展监督检查。\n"
    "6.其他法律法规规章文件规定应履行的责任。"
)
_PERMIT_ACCOUNTABILITY = (
    "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：\n"
    "1.对符合法定条件的施工许可申请不予受理的；\n"
    "2.对不符合法定条件的申请人准予许可或者超越法定职权作出准予许可决定的；\n"
    "3.对符合法定条件的申请人不予许可或者不在法定期限内作出准予许可决定的；\n"
    "4.在许可过程中索取或者收受他人财物或者谋取其他利益的；\n"
    "5.其他违反法律法规规章文件规定的行为。"
)
_PENALTY_DUTIES = (
    "一般程序：\n"
    "1.立案责任：对发现的涉嫌未取得施工许可证擅自施工的行为予以审查，决定是否立案。\n"
    "2.调查责任：对立案的案件，指定专人负责，及时组织调查取证，与当事人有直接利害关系的应当回避。\n"
    "3.审查责任：对案件违法事实、证据、调查取证程序、法律适用、处罚种类和幅度等方面进行审查，提出处理意见。\n"
    "4.告知责任：作出行政处罚决定前，书面告知当事人违法事实及其享有的陈述、申辩、要求听证等权利。\n"
    "5.决定责任：制作行政处罚决定书，载明违法事实和证据、处罚依据和内容、申请行政复议或提起行政诉讼的途径和期限。\n"
    "6.送达责任：行政处罚决定书按法律规定的方式送达当事人。\n"
    "7.执行责任：依照生效的行政处罚决定，监督当事人履行。\n"
    "简易程序：\n"
    "1.告知责任：当场告知当事人违法事实、处罚理由和依据，听取当事人的陈述和申辩。\n"
    "2.决定责任：当场填写预定格式、编有号码的行政处罚决定书，由执法人员签名或者盖章。\n"
    "3.送达责任：行政处罚决定书当场交付当事人。"
)
_PENALTY_ACCOUNTABILITY = (
    "因不履行或不正确履行行政职责，有下列情形之一的，行政机关及相关工作人员应承担相应责任：\n"
    "1.没有法律和事实依据实施行政处罚的；\n"
    "2.擅自改变行政处罚种类、幅度的；\n"
    "3.违反法定的行政处罚程序的；\n"
    "4.应当依法移送追究刑事责任，而未依法移送有权机关的；\n"
    "5.在行政处罚过程中滥用职权、玩忽职守、徇私舞弊的。"
)
_CONTRACT_DUTIES = (
    "1.立案责任：对发现的建设单位违法发包行为予以审查，决定是否立案。\n"
    "2.调查责任：全面、客观、公正地调查取证，制作调查笔录。\n"
    "3.决定责任：依法作出行政处罚决定，制作行政处罚决定书。"
)
_CONTRACT_ACCOUNTABILITY = (
    "1.对应当予以制止和处罚的违法行为不予制止、处罚的；\n2.不依法履行监督检查职责，造成严重后果的。"
)

HOUSING_EXPECTED = [
    {
        "name": "建筑工程施工许可",
        "category": "行政许可",
        "department": "建筑业管理股",
        "basis": [
            ("中华人民共和国建筑法", "第七条第一款", "建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上"
             "人民政府建设行政主管部门申请领取施工许可证；但是，国务院建设行政主管部门确定的限额以下的小型工程除外。"),
            ("中华人民共和国建筑法", "第八条第二款", "建设行政主管部门应当自收到申请之日起七日内，对符合条件的申请"
             "颁发施工许可证。"),
        ],
        "time_limit": {"statutory": 7, "promised": 10, "unit": "工作日"},  # planted: 承诺 10 > 法定 7 (T301)
        "responsibilities": [
            ("受理", "公示依法应当提交的材料；一次性告知补正材料；依法受理或不予受理（不予受理的应当告知理由）。"),
            ("审查", "对申请材料进行审查，提出审查意见。"),
            ("决定", "作出准予许可或不予许可的决定（不予许可的应当告知理由）。"),
            ("送达", "准予许可的，制作并送达施工许可证。"),
            ("事后监管", "对取得施工许可证的建筑工程开展监督检查。"),
            (None, "其他法律法规规章文件规定应履行的责任。"),
        ],
        "accountability": [
            "对符合法定条件的施工许可申请不予受理的",
            "对不符合法定条件的申请人准予许可或者超越法定职权作出准予许可决定的",
            "对符合法定条件的申请人不予许可或者不在法定期限内作出准予许可决定的",
            "在许可过程中索取或者收受他人财物或者谋取其他利益的",
            "其他违反法律法规规章文件规定的行为。",
        ],
        "note": "限额以下的小型工程不需办理",
    },
    {
        "name": "对未取得施工许可证擅自施工的处罚",
        "category": "行政处罚",
        "department": "建筑市场监管股",
        "basis": [
            ("中华人民共和国建筑法", "第六十四条", "违反本法规定，未取得施工许可证或者开工报告未经批准擅自施工的，"
             "责令改正，对不符合开工条件的责令停止施工，可以处以罚款。"),
            ("建设工程质量管理条例", "第五十七条", "违反本条例规定，建设单位未取得施工许可证或者开工报告未经批准，"
             "擅自施工的，责令停止施工，限期改正，处工程合同价款1%以上2%以下的罚款。"),
        ],
        "time_limit": {"statutory": 90, "promised": 60, "unit": "自然日"},
        "responsibilities": [
            ("立案", "对发现的涉嫌未取得施工许可证擅自施工的行为予以审查，决定是否立案。"),
            ("调查", "对立案的案件，指定专人负责，及时组织调查取证，与当事人有直接利害关系的应当回避。"),
            ("审查", "对案件违法事实、证据、调查取证程序、法律适用、处罚种类和幅度等方面进行审查，提出处理意见。"),
            ("告知", "作出行政处罚决定前，书面告知当事人违法事实及其享有的陈述、申辩、要求听证等权利。"),
            (
                "决定",
                "制作行政处罚决定书，载明违法事实和证据、处罚依据和内容、申请行政复议或提起行政诉讼的途径和期限。",
            ),
            ("送达", "行政处罚决定书按法律规定的方式送达当事人。"),
            ("执行", "依照生效的行政处罚决定，监督当事人履行。"),
            ("告知", "当场告知当事人违法事实、处罚理由和依据，听取当事人的陈述和申辩。"),
            ("决定", "当场填写预定格式、编有号码的行政处罚决定书，由执法人员签名或者盖章。"),
            ("送达", "行政处罚决定书当场交付当事人。"),
        ],
        "accountability": [
            "没有法律和事实依据实施行政处罚的",
            "擅自改变行政处罚种类、幅度的",
            "违反法定的行政处罚程序的",
            "应当依法移送追究刑事责任，而未依法移送有权机关的",
            "在行政处罚过程中滥用职权、玩忽职守、徇私舞弊的。",
        ],
        "note": None,
    },
    {
        "name": "对建设单位将建设工程发包给不具有相应资质等级的施工单位的处罚",
        "category": "行政处罚",
        "department": "建筑市场监管股",
        "basis": [
            ("中华人民共和国建筑法", "第六十五条第一款", "发包单位将工程发包给不具有相应资质条件的承包单位的，或者"
             "违反本法规定将建筑工程肢解发包的，责令改正，处以罚款。"),
            ("建设工程质量管理条例", "第五十四条", "违反本条例规定，建设单位将建设工程发包给不具有相应资质等级的"
             "勘察、设计、施工单位或者委托给不具有相应资质等级的工程监理单位的，责令改正，处50万元以上100万元以下的罚款。"),
        ],
        "time_limit": {"statutory": 90, "promised": None, "unit": "自然日"},  # "/" as the promised limit
        "responsibilities": [
            ("立案", "对发现的建设单位违法发包行为予以审查，决定是否立案。"),
            ("调查", "全面、客观、公正地调查取证，制作调查笔录。"),
            ("决定", "依法作出行政处罚决定，制作行政处罚决定书。"),
        ],
        "accountability": [
            "对应当予以制止和处罚的违法行为不予制止、处罚的",
            "不依法履行监督检查职责，造成严重后果的。",
        ],
        "note": None,
    },
]  # fmt: skip


def _cite(entries: list[tuple[str, str, str]], numbered: bool) -> str:
    lines = [f"《{law}》{article}“{quote}”" for law, article, quote in entries]
    return "\n".join(f"{i}.{line}" for i, line in enumerate(lines, 1)) if numbered else "\n".join(lines)


def housing_docx(folder: Path) -> tuple[Path, list[Written]]:
    """(a) One table per power, the name inside it: 职权名称 | …; 职权类型 | 行政处罚 | 审核转报 | 否 (a key the
    catalogue has no field for); 实施主体 | … | 承办机构 | …; 办理时限 merged down over 法定时限 | … and 承诺时限 | …;
    责任事项 and 追责情形 as numbered lines; the third power with other synonyms (事项名称, 权力类型, 责任科室) and its
    实施依据 key merged over two rows of citations."""
    document = docx.Document()
    document.add_paragraph(f"{HOUSING_UNIT}行政权力责任事项梳理表")
    written: list[Written] = []
    permit, penalty, contract = HOUSING_EXPECTED
    kv_table(document, 1, [
        [key("职权名称"), value(str(permit["name"]), 3)],
        [key("职权类型"), value("行政许可"), key("审核转报"), value("否")],
        [key("实施主体"), value(HOUSING_UNIT), key("承办机构"), value("建筑业管理股")],
        [key("实施依据"), value(_cite(permit["basis"], numbered=True), 3)],  # type: ignore[arg-type]
        [key("办理时限"), key("法定时限"), value("7个工作日", 2)],
        [key(UP), key("承诺时限"), value("10个工作日", 2)],
        [key("责任事项"), value(_PERMIT_DUTIES, 3)],
        [key("追责情形"), value(_PERMIT_ACCOUNTABILITY, 3)],
        [key("备注"), value("限额以下的小型工程不需办理", 3)],
    ], written)  # fmt: skip
    document.add_paragraph("")
    kv_table(document, 2, [
        [key("职权名称"), value(str(penalty["name"]), 3)],
        [key("职权类型"), value("行政处罚"), key("审核转报"), value("否")],
        [key("实施主体"), value(HOUSING_UNIT), key("承办机构"), value("建筑市场监管股")],
        [key("实施依据"), value(_cite(penalty["basis"], numbered=True), 3)],  # type: ignore[arg-type]
        [key("办理时限"), key("法定时限"), value("自立案之日起90日", 2)],
        [key(UP), key("承诺时限"), value("60日", 2)],
        [key("责任事项"), value(_PENALTY_DUTIES, 3)],
        [key("追责情形"), value(_PENALTY_ACCOUNTABILITY, 3)],
        [key("备注"), value("", 3)],
    ], written)  # fmt: skip
    document.add_paragraph("")
    first, second = contract["basis"]  # type: ignore[misc]
    kv_table(document, 3, [
        [key("事项名称"), value(str(contract["name"]), 3)],
        [key("权力类型"), value("行政处罚"), key("审核转报"), value("是")],
        [key("实施主体"), value(HOUSING_UNIT), key("责任科室"), value("建筑市场监管股")],
        [key("实施依据"), value(_cite([first], numbered=False), 3)],
        [key(UP), value(_cite([second], numbered=False), 3)],
        [key("办理时限"), key("法定时限"), value("自立案之日起90日", 2)],
        [key(UP), key("承诺时限"), value("/", 2)],
        [key("责任事项"), value(_CONTRACT_DUTIES, 3)],
        [key("追责情形"), value(_CONTRACT_ACCOUNTABILITY, 3)],
        [key("备注"), value("无", 3)],
    ], written)  # fmt: skip
    path = folder / f"{HOUSING_UNIT}行政权力责任事项梳理表.docx"
    document.save(str(path))
    return path, written


# --- (b) 灰山港镇人民政府 权力清单 ------------------------------------------------------------------------------

TOWN_UNIT = "灰山港镇人民政府"
TOWN_EXPECTED = [
    {
        "name": "乡村建设规划许可初审",
        "category": "行政许可",
        "basis": [("中华人民共和国城乡规划法", "第四十一条第一款", "在乡、村庄规划区内进行乡镇企业、乡村公共设施和"
                   "公益事业建设的，建设单位或者个人应当向乡、镇人民政府提出申请，由乡、镇人民政府报城市、县人民政府"
                   "城乡规划主管部门核发乡村建设规划许可证。")],
        "note": "镇人民政府受理并初审后报县自然资源局核发",
    },
    {
        "name": "对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的处罚",
        "category": "行政处罚",  # from the section title above it: its table has no 类别
        "basis": [("中华人民共和国城乡规划法", "第六十五条", "在乡、村庄规划区内未依法取得乡村建设规划许可证或者"
                   "未按照乡村建设规划许可证的规定进行建设的，由乡、镇人民政府责令停止建设、限期改正；逾期不改正的，"
                   "可以拆除。")],
        "note": None,
    },
    {
        "name": "对乱堆粪便、垃圾、柴草，破坏村容镇貌和环境卫生的处罚",
        "category": "行政处罚",
        "basis": [("村庄和集镇规划建设管理条例", "第三十九条第二项",
                   "乱堆粪便、垃圾、柴草，破坏村容镇貌和环境卫生的。")],
        "note": None,
    },
    {
        "name": "农村村民住宅用地审核批准",
        "category": "其他行政权力",
        "basis": [("中华人民共和国土地管理法", "第六十二条第四款", "农村村民住宅用地，由乡（镇）人民政府审核批准；"
                   "其中，涉及占用农用地的，依照本法第四十四条的规定办理审批手续。")],
        "note": None,
    },
    {
        "name": "农村危房改造补助对象初审",  # planted: no legal basis (B101)
        "category": "其他行政权力",
        "basis": [],
        "note": "依据待查",
    },
]  # fmt: skip
# How each name is written in the paragraph above its table.
_TOWN_NAME_PARAGRAPHS = ["1. 乡村建设规划许可初审",
                         "（一）对在乡、村庄规划区内未依法取得乡村建设规划许可证进行建设的处罚",
                         "（二）对乱堆粪便、垃圾、柴草，破坏村容镇貌和环境卫生的处罚", "农村村民住宅用地审核批准",
                         "农村危房改造补助对象初审"]  # fmt: skip
_TOWN_BASIS_WRITTEN = [
    "《中华人民共和国城乡规划法》第四十一条第一款：“{}”",
    "《中华人民共和国城乡规划法》第六十五条：“{}”",
    "《村庄和集镇规划建设管理条例》第三十九条第（二）项：“{}”",
    "《中华人民共和国土地管理法》第六十二条第四款：“{}”",
]


def town_docx(folder: Path) -> tuple[Path, list[Written], list[str]]:
    """(b) Section titles (一、行政许可（共1项）…), each power's name as a paragraph above its table (numbered
    1. or （一）, or bold with no number), small tables: 类别 | …; 实施主体 | … | 行使层级 | 乡级 (a key of the unit,
    not of the power); 实施依据 with the article's text; 备注. The second power's table has no 类别 row: its
    section says it. Also returns the places of the name paragraphs (第N段)."""
    document = docx.Document()
    written: list[Written] = []
    places: list[str] = []
    paragraphs = 0

    def paragraph(text: str, bold: bool = False) -> None:
        nonlocal paragraphs
        run = document.add_paragraph().add_run(text)
        run.bold = bold
        paragraphs += 1

    paragraph(f"桃江县{TOWN_UNIT}权力清单", bold=True)
    paragraph("（2024年版）")
    sections = {0: "一、行政许可（共1项）", 1: "二、行政处罚（共2项）", 3: "三、其他行政权力（共2项）"}
    for i, power in enumerate(TOWN_EXPECTED):
        if i in sections:
            paragraph(sections[i], bold=True)
        paragraph(_TOWN_NAME_PARAGRAPHS[i], bold=i >= 3)
        places.append(f"第{paragraphs}段")
        basis = power["basis"]
        cited = _TOWN_BASIS_WRITTEN[i].format(basis[0][2]) if basis else "无"  # type: ignore[index]
        rows: list[Row] = []
        if i != 1:
            rows.append([key("类别"), value(str(power["category"]), 3)])
        rows += [
            [key("实施主体"), value(TOWN_UNIT), key("行使层级"), value("乡级")],
            [key("实施依据"), value(cited, 3)],
            [key("备注"), value(str(power["note"] or ""), 3)],
        ]
        kv_table(document, i + 1, rows, written)
    paragraph("注：本清单所列事项以法律法规最新规定为准。")
    path = folder / f"{TOWN_UNIT}权力清单.docx"
    document.save(str(path))
    return path, written, places
