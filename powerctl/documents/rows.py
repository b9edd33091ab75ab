"""The rows of 一表 (行政权力目录): one plain record per power, shared by XLSX, HTML/PDF and the site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from powerctl.catalogue.model import Disclosure, Power, Unit
from powerctl.documents.context import UnitDocs

COLUMNS = (
    "序号",
    "事项编码",
    "职权名称",
    "职权类别",
    "职权来源依据",
    "实施主体",
    "承办机构",
    "责任岗位",
    "法定时限",
    "承诺时限",
    "收费依据及标准",
    "公开范围/形式/时限",
    "清理结果",
    "备注",
)
# 权责清单's two columns, shown before 清理结果 when `UnitDocs.shows_duties`; one item a line in each cell.
DUTY_COLUMNS = ("责任事项", "追责情形")
_DUTIES_AT = COLUMNS.index("清理结果")


def columns(duties: bool) -> tuple[str, ...]:
    """The table's columns, with or without 责任事项 and 追责情形."""
    return (*COLUMNS[:_DUTIES_AT], *DUTY_COLUMNS, *COLUMNS[_DUTIES_AT:]) if duties else COLUMNS


@dataclass(frozen=True)
class Row:
    no: str  # 序号: 3 for a 主项 (or a power on its own), 3.1 3.2 for its 子项
    power_id: str
    code: str
    name: str
    category: str
    basis: str
    subject: str
    department: str
    posts: str
    statutory: str
    promised: str
    fee: str
    disclosure: str
    status: str
    remark: str
    responsibilities: str = ""  # 责任事项, one numbered line each
    accountability: str = ""  # 追责情形, one numbered line each

    def cells(self) -> list[str]:
        return [
            str(self.no),
            self.code,
            self.name,
            self.category,
            self.basis,
            self.subject,
            self.department,
            self.posts,
            self.statutory,
            self.promised,
            self.fee,
            self.disclosure,
            self.status,
            self.remark,
        ]

    def table_cells(self, duties: bool) -> list[str]:
        """The row under `columns(duties)`."""
        cells = self.cells()
        if duties:
            cells[_DUTIES_AT:_DUTIES_AT] = [self.responsibilities, self.accountability]
        return cells


def _posts(unit: Unit, power: Power) -> str:
    if power.flow is None:
        return ""
    names: dict[str, None] = {}
    for step in power.flow.steps:
        post = unit.post(step.post)
        if post is not None and post.rank not in ("外部",):
            names.setdefault(post.name, None)
    return "、".join(names)


def _fee(power: Power) -> str:
    if not power.fee.charged:
        return "不收费"
    basis = power.fee.basis.text if power.fee.basis else "（未写依据）"
    return f"{basis}；{power.fee.standard or ''}".rstrip("；")


def disclosure_text(d: Disclosure) -> str:
    """公开范围／形式／时限 in one cell: 社会公开／政府网站、公示栏／7日内."""
    parts = [d.scope]
    if d.forms:
        parts.append("、".join(d.forms))
    if d.within_days:
        parts.append(f"{d.within_days}日内")
    return "／".join(parts)


def numbered(items: list[str]) -> str:
    """Items one a line, numbered: 1. …\n2. …"""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def responsibilities_text(power: Power) -> str:
    """责任事项 as 1. 受理责任：…, one stage a line."""
    items = []
    for stage, duty in power.responsibilities:
        if stage is None:
            items.append(duty)
            continue
        label = stage if stage.endswith("责任") else f"{stage}责任"
        items.append(f"{label}：{duty}")
    return numbered(items)


def _remark(power: Power, docs: UnitDocs) -> str:
    notes = []
    if power.parent:
        # Only a parent the audience may see is named (a public table never names an undisclosed power).
        parent = next((p for p in docs.powers if p.id == power.parent), None)
        notes.append(f"子项，主项：{parent.name}" if parent else "子项")
    if power.major_matter:
        notes.append("三重一大：" + "、".join(power.major_matter))
    if power.note:
        notes.append(power.note)
    return "；".join(notes)


def table_order(powers: Sequence[Power]) -> list[tuple[str, Power]]:
    """The powers in table order with their 序号: each 主项 followed by its 子项 (3, 3.1, 3.2, 4 …), in
    catalogue order otherwise. A 子项 whose 主项 is not among `powers` (another audience) is numbered on its
    own; so is one in a circle of parents (E005's matter)."""
    ids = {p.id for p in powers}
    children: dict[str, list[Power]] = {}
    for p in powers:
        if p.parent is not None and p.parent in ids and p.parent != p.id:
            children.setdefault(p.parent, []).append(p)
    out: list[tuple[str, Power]] = []
    seen: set[int] = set()  # by object: a repeated id (E006) is still a row of its own
    top = 0

    def visit(root: Power) -> None:
        nonlocal top
        top += 1
        stack = [(str(top), root)]
        while stack:
            number, power = stack.pop()
            if id(power) in seen:
                continue
            seen.add(id(power))
            out.append((number, power))
            below = [c for c in children.get(power.id, ()) if id(c) not in seen]
            stack.extend((f"{number}.{k}", c) for k, c in reversed(list(enumerate(below, start=1))))

    for p in powers:
        if id(p) not in seen and (p.parent is None or p.parent not in ids or p.parent == p.id):
            visit(p)
    for p in powers:
        if id(p) not in seen:
            visit(p)
    return out


def rows(docs: UnitDocs) -> list[Row]:
    unit = docs.unit
    departments = {d.id: d.name for d in unit.departments}
    out = []
    for no, power in table_order(docs.powers):
        tl = power.time_limit
        out.append(
            Row(
                no=no,
                power_id=power.id,
                code=power.code or "",
                name=power.name,
                category=power.category,
                basis="；".join(dict.fromkeys(c.text for c in power.basis)),
                subject=power.subject or unit.name,
                department=departments.get(power.department, power.department),
                posts=_posts(unit, power),
                statutory=tl.shown(tl.statutory, tl.unit) if tl is not None else "/",
                promised=tl.shown(tl.promised, tl.unit) if tl is not None else "/",
                fee=_fee(power),
                disclosure=disclosure_text(power.disclosure),
                status=power.status,
                remark=_remark(power, docs),
                responsibilities=responsibilities_text(power),
                accountability=numbered(list(power.accountability)),
            )
        )
    return out
