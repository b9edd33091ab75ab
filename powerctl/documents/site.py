"""The site of a unit's bundle: static HTML that works from the file system and from any web server.

``index.html`` lists the audience's powers with a search box and filters by 职权类别 and 承办机构;
``powers/<id>.html`` shows one power: its 一表 row, its flowchart, its legal basis, its steps,
disclosure and complaint channels. No network, no fetch(): the search data is embedded in the index
as a JSON block read by a small inline script, the stylesheet and the flowcharts are local files
linked by relative paths. Every string of the catalogue goes through the one autoescaping Jinja2
environment; the JSON block cannot close its ``<script>`` element. A Content-Security-Policy allows
nothing but the page's own files and its one inline script (by hash). Same input, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from powerctl.catalogue.model import Citation, Power, Step, Unit
from powerctl.documents import charts, monitor
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, environment
from powerctl.documents.rows import COLUMNS, Row, disclosure_text, rows, table_order
from powerctl.domain.operation import UnitOperation
from powerctl.domain.stats import Counts
from powerctl.laws.citation import parse_article

# A power id becomes a file name: the schema's pattern, checked again because a file name must never
# climb out of its folder whatever the input.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

STEP_KINDS = {
    "start": "开始",
    "task": "办理",
    "decision": "判断",
    "collective": "集体决策",
    "supervision": "监督",
    "end": "结束",
}

# Characters that could end a <script> element or a JavaScript string, as JSON escapes.
_SCRIPT_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}

PAGE_CSP = (
    "default-src 'none'; img-src 'self' file: data:; style-src 'self' file:; base-uri 'none'; form-action 'none'; "
    "connect-src 'none'"
)


def script_json(value: object) -> Markup:
    """JSON to embed in a ``<script type="application/json">`` element: nothing in it can end the element.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where their ``\\uXXXX`` escapes mean the
    same characters to ``JSON.parse``; U+2028/2029 are escaped too so the text is also valid JavaScript.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_ESCAPES))


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


# -- what the templates show --------------------------------------------------------------------


@dataclass(frozen=True)
class BasisItem:
    text: str  # 《…》第N条
    role: str  # 设定依据 | 实施依据 | ""
    level: str  # 法律, 行政法规 … or "" when the law is in no registry
    quote: str
    article: str  # the article's text from the law index, or ""


@dataclass(frozen=True)
class StepItem:
    name: str
    kind: str  # in Chinese
    post: str
    days: str
    does: str
    disclosure: str
    next: tuple[str, ...]  # "下一环节（条件）" when the step branches or jumps


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class PowerPage:
    power: Power
    row: Row
    cells: tuple[tuple[str, str], ...]  # (column, value) of the 一表 row
    flowchart: str  # src of the flowchart image, relative to the page, or ""
    basis: tuple[BasisItem, ...]
    conditions: tuple[str, ...]
    steps: tuple[StepItem, ...]
    supervision: tuple[tuple[str, str, str], ...]  # (step, post, how)
    rights: tuple[str, ...]
    complaint: tuple[tuple[str, str], ...]  # (way, contact)
    disclosure: str
    fee: str
    discretion: tuple[tuple[str, str, str, str], ...]  # (circumstance, condition, penalty, amount)
    responsibilities: tuple[tuple[str | None, str], ...]
    accountability: tuple[str, ...]
    risks: tuple[tuple[str, str, str, str], ...]  # internal only: (level, point, measures, owner)
    secrecy: str  # internal only
    parent: Link | None
    children: tuple[Link, ...]
    previous: Link | None
    following: Link | None


def _post_name(unit: Unit, post_id: str | None) -> str:
    if post_id is None:
        return ""
    post = unit.post(post_id)
    return post.name if post is not None else post_id


def _days(days: int | None, unit: str) -> str:
    if days is None:
        return ""
    return "即时办理" if days == 0 else f"{days}个{unit}"


def _basis_item(docs: UnitDocs, c: Citation) -> BasisItem:
    found = docs.laws.resolve(c.law)
    article = ""
    ref = parse_article(c.article)
    if docs.laws.index is not None and ref is not None:
        name = found.law.name if found is not None else c.law
        article = docs.laws.index.article(name, ref.number, suffix=ref.suffix) or ""
    return BasisItem(
        text=c.text,
        role=c.role or "",
        level=found.law.level if found is not None else "",
        quote=c.quote or "",
        article=article,
    )


def _steps(unit: Unit, power: Power) -> tuple[StepItem, ...]:
    flow = power.flow
    if flow is None:
        return ()
    names = {s.id: s.name for s in flow.steps}
    out = []
    for step in flow.steps:
        out.append(
            StepItem(
                name=step.name,
                kind=STEP_KINDS.get(step.kind, step.kind),
                post=_post_name(unit, step.post),
                days=_days(step.days, power.day_unit),
                does=step.does or "",
                disclosure=disclosure_text(step.disclosure) if step.disclosure is not None else "",
                next=_next(step, names),
            )
        )
    return tuple(out)


def _next(step: Step, names: dict[str, str]) -> tuple[str, ...]:
    if step.next is None:
        return ()
    return tuple(names.get(e.to, e.to) + (f"（{e.when}）" if e.when else "") for e in step.next)


def _amount(power: Power, i: int) -> str:
    assert power.discretion is not None
    a = power.discretion[i].amount
    if a is None:
        return ""
    return f"{a.min:g}～{a.max:g}{a.unit}"


def _page(docs: UnitDocs, order: Sequence[Power], index: int, row: Row, flowchart: str) -> PowerPage:
    """The page of the power at `index` of `order` (the table's order: previous and following follow it)."""
    unit = docs.unit
    power = order[index]
    flow = power.flow
    in_site = {p.id: p for p in docs.powers}
    step_names = {s.id: s.name for s in flow.steps} if flow is not None else {}
    channels = flow.complaint if flow is not None and flow.complaint is not None else unit.complaint_channels
    parent = in_site.get(power.parent) if power.parent else None

    def link(p: Power) -> Link:
        return Link(f"{p.id}.html", p.name)

    return PowerPage(
        power=power,
        row=row,
        cells=tuple(zip(COLUMNS, row.cells(), strict=True)),
        flowchart=flowchart,
        basis=tuple(_basis_item(docs, c) for c in power.basis),
        conditions=flow.conditions if flow is not None else (),
        steps=_steps(unit, power),
        supervision=tuple(
            (step_names.get(s.at, s.at), _post_name(unit, s.by), s.how) for s in (flow.supervision if flow else ())
        ),
        rights=flow.rights if flow is not None and power.has_counterparty else (),
        complaint=tuple((c.way, c.contact) for c in channels),
        disclosure=disclosure_text(power.disclosure),
        fee=row.fee,
        discretion=tuple(
            (d.circumstance, d.condition, d.penalty, _amount(power, i)) for i, d in enumerate(power.discretion or ())
        ),
        responsibilities=power.responsibilities,
        accountability=power.accountability,
        risks=(
            ()
            if docs.public
            else tuple((r.level, r.point, "；".join(r.measures), _post_name(unit, r.owner)) for r in power.risks)
        ),
        secrecy=_secrecy(docs, power),
        parent=link(parent) if parent is not None else None,
        children=tuple(link(p) for p in docs.powers if p.parent == power.id),
        previous=link(order[index - 1]) if index > 0 else None,
        following=link(order[index + 1]) if index + 1 < len(order) else None,
    )


def _secrecy(docs: UnitDocs, power: Power) -> str:
    if docs.public or power.secrecy is None:
        return ""
    parts = [power.secrecy.reason or ""]
    if power.secrecy.basis is not None:
        parts.append("依据：" + power.secrecy.basis.text)
    return "；".join(p for p in parts if p)


def search_records(table: list[Row]) -> list[dict[str, str]]:
    """What the index's search reads, one record per power, in table order."""
    return [
        {
            "id": r.power_id,
            "code": r.code,
            "name": r.name,
            "category": r.category,
            "department": r.department,
            "basis": r.basis,
        }
        for r in table
    ]


def _updated(docs: UnitDocs) -> str:
    """The date of the newest change to a power the audience sees (a change to another says nothing here)."""
    ids = {p.id for p in docs.powers}
    return max((c.date for c in docs.unit.changes if not docs.public or ids.intersection(c.items)), default="")


def count_powers(docs: UnitDocs) -> Counts:
    """The audience's powers counted (by category, 清理结果, department, risk level)."""
    counts = Counts()
    for power in docs.powers:
        counts.add(docs.unit, power)
    return counts


def summary_charts(counts: Counts, internal: bool, prefix: str = "chart") -> list[charts.Chart]:
    """Powers by category and by 清理结果; internally also the risk points by level (a public page has none)."""
    d = counts.as_dict()
    made = [
        charts.counts(f"{prefix}-category", "职权数（按职权类别）", list(d["by_category"].items())),
        charts.counts(f"{prefix}-status", "职权数（按清理结果）", list(d["by_status"].items())),
    ]
    if internal:
        made.append(charts.levels(f"{prefix}-risk", "廉政风险点（按风险等级）", list(d["by_risk_level"].items())))
    return [c for c in made if not c.empty]


def choices(values: Sequence[str]) -> list[tuple[str, int]]:
    """Distinct values in order of first appearance, with how many powers have each."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return list(counts.items())


# -- writing ------------------------------------------------------------------------------------


def csp_with_script(csp: str, script: str) -> str:
    """The page's policy with its one inline script allowed (by hash)."""
    return csp.replace("default-src 'none';", f"default-src 'none'; script-src {_csp_hash(script)};")


def write_asset(folder: Path, written: list[Path]) -> None:
    """The site's stylesheet, ``assets/site.css``."""
    _write(
        folder / "assets" / "site.css", environment().get_template("site/site.css").render().encode("utf-8"), written
    )


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(path)


def write_site(
    docs: UnitDocs, folder: Path, flowcharts: dict[str, Path], operation: UnitOperation | None = None
) -> list[Path]:
    """Write the site of ``docs`` into ``folder`` (its root); return the files written, sorted.

    ``flowcharts`` maps a power id to its SVG file, copied to ``flowcharts/<id>.svg``; a power without
    one gets a page without a picture, and entries for powers outside the audience are ignored, so
    nothing of a power the audience may not see is written. Write into a new (staging) folder: files
    already there are left as they are. ``operation`` (internal only: it names cases) adds the 电子监察 page.
    """
    if operation is not None and docs.public:
        raise ValueError("the 电子监察 page is internal: a public site has no records")
    seen: dict[str, str] = {}
    for power in docs.powers:
        if not _SAFE_ID.fullmatch(power.id):
            raise ValueError(f"power id {power.id!r} cannot be used as a file name")
        # Windows and macOS file systems ignore case: XK-001 and xk-001 would be one file there.
        key = power.id.casefold()
        if key in seen:
            raise ValueError(f"power ids {seen[key]!r} and {power.id!r} would be the same file name")
        seen[key] = power.id
    env = environment()
    unit = docs.unit
    table = rows(docs)
    written: list[Path] = []

    write_asset(folder, written)

    pictures: dict[str, str] = {}
    for power in docs.powers:
        source = flowcharts.get(power.id)
        if source is not None:
            _write(folder / "flowcharts" / f"{power.id}.svg", source.read_bytes(), written)
            pictures[power.id] = f"../flowcharts/{power.id}.svg"

    common = {
        "unit": unit,
        "audience": AUDIENCE_ZH.get(docs.audience, docs.audience),
        "updated": _updated(docs),
    }
    page_template = env.get_template("site/power.html")
    order = [power for _, power in table_order(docs.powers)]  # the rows' powers, one for one
    for i, row in enumerate(table):
        page = _page(docs, order, i, row, pictures.get(row.power_id, ""))
        html = page_template.render(**common, page=page, root="../", csp=PAGE_CSP)
        _write(folder / "powers" / f"{row.power_id}.html", html.encode("utf-8"), written)

    if operation is not None:
        html = env.get_template("site/monitor.html").render(**common, root="", csp=PAGE_CSP, m=monitor.page(operation))
        _write(folder / monitor.PAGE, html.encode("utf-8"), written)
    script = env.get_template("site/search.js").render()
    csp = csp_with_script(PAGE_CSP, script)
    html = env.get_template("site/index.html").render(
        **common,
        root="",
        csp=csp,
        table=table,
        categories=choices([r.category for r in table]),
        departments=choices([r.department for r in table]),
        data=script_json(search_records(table)),
        script=Markup(script),
        monitor=monitor.PAGE if operation is not None else None,
        charts=[charts.inline(c) for c in summary_charts(count_powers(docs), not docs.public)],
    )
    _write(folder / "index.html", html.encode("utf-8"), written)
    return sorted(written)
