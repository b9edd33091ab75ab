"""The county (several units in one run) as one: its index site, and what its workbook and report are made of.

`CountyDocs` holds each unit's documents for one audience (`UnitDocs`: the audience's powers only) and, for the
internal audience, the units' records counted. Everything of the county folder is made from it, so a public
county file can hold nothing a public unit bundle does not: the public powers' public fields, counted.

The index site (`write_site`) lists every power of every unit with a search across units and filters by
unit, category and department, each power linking to its page in its unit's site (``../<unit>/site/``);
above the list, the units × categories table and the charts (`charts`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from powerctl.documents import charts
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, environment
from powerctl.documents.rows import Row, rows
from powerctl.documents.site import (
    PAGE_CSP,
    choices,
    csp_with_script,
    script_json,
    search_records,
    summary_charts,
    write_asset,
)
from powerctl.domain.operation import UnitOperation
from powerctl.domain.stats import Stats, by_category, compute

FOLDER = "全县"  # the county folder beside the units' (a unit id is ASCII: the name cannot be taken)
_ENDINGS = "县市区旗"


def county_name(names: Sequence[str]) -> str:
    """The county the units belong to, from their names: the common beginning up to its last 县/市/区/旗
    (冷水江市城市管理局, 冷水江市渣渡镇人民政府 → 冷水江市); 全县 when they share none."""
    if not names:
        return "全县"
    prefix = os.path.commonprefix(list(names))  # noqa: RUF071 -- names, not paths: character by character
    cut = max(prefix.rfind(ch) for ch in _ENDINGS)
    return prefix[: cut + 1] if cut >= 0 else "全县"


@dataclass(frozen=True)
class CountyDocs:
    name: str
    audience: str
    units: tuple[UnitDocs, ...]  # by unit id, as the counts
    operations: Mapping[str, UnitOperation] = field(default_factory=dict)  # internal only, by unit id

    def __post_init__(self) -> None:
        if self.operations and self.public:
            raise ValueError("records are internal: a public county has none")
        if [d.unit.id for d in self.units] != sorted(d.unit.id for d in self.units):
            raise ValueError("the units of a county are listed by id")

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def label(self) -> str:
        return AUDIENCE_ZH[self.audience]

    @property
    def title(self) -> str:
        return f"{self.name}行政权力目录汇总"

    @cached_property
    def stats(self) -> Stats:
        """The audience's powers counted, unit by unit (by id) and together (once: every document shows them)."""
        chosen = {d.unit.id: d.powers for d in self.units}
        return compute([d.unit for d in self.units], lambda u: chosen[u.id])

    @cached_property
    def rows(self) -> tuple[list[Row], ...]:
        """Each unit's 一表 rows, in the order of `units` (made once for the site and the workbook)."""
        return tuple(rows(d) for d in self.units)


def county_charts(county: CountyDocs) -> list[charts.Chart]:
    """Powers by unit, by category and by 清理结果; internally the risk points by level and, with records, each
    unit's on-time rate."""
    stats = county.stats
    names = {d.unit.id: d.unit.name for d in county.units}
    made = [charts.counts("county-unit", "职权数（按单位）", [(d.unit.name, len(d.powers)) for d in county.units])]
    made += summary_charts(stats.total, not county.public, prefix="county")
    if not county.public:
        rates = [
            (names[uid], op.total.on_time, op.total.closed, op.total.red > 0)
            for uid, op in county.operations.items()
            if uid in names
        ]
        made.append(charts.rates("county-ontime", "按期办结率（按单位，已办结办件）", rates))
    return [c for c in made if not c.empty]


def _listed(county: CountyDocs) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Every unit's rows as the list shows them (the row, its key "unit/power", its unit's id and name), and
    the search records under the same keys."""
    listed: list[dict[str, Any]] = []
    found: list[dict[str, str]] = []
    for docs, unit_rows in zip(county.units, county.rows, strict=True):
        for row, record in zip(unit_rows, search_records(unit_rows), strict=True):
            key = f"{docs.unit.id}/{row.power_id}"
            listed.append({"row": row, "key": key, "unit_id": docs.unit.id, "unit": docs.unit.name})
            found.append({**record, "id": key, "unit": docs.unit.name})
    return listed, found


def write_site(county: CountyDocs, folder: Path) -> list[Path]:
    """The county's index site into ``folder``: index.html and its stylesheet; the files written."""
    env = environment()
    written: list[Path] = []
    write_asset(folder, written)
    listed, found = _listed(county)
    matrix = by_category(county.stats)
    script = env.get_template("site/search.js").render()
    html = env.get_template("site/county.html").render(
        county=county,
        audience=county.label,
        root="",
        csp=csp_with_script(PAGE_CSP, script),
        listed=listed,
        matrix=matrix,
        sentence=county.stats.total.sentence(risks=not county.public),
        units=choices([x["unit"] for x in listed]),
        categories=choices([x["row"].category for x in listed]),
        departments=choices([x["row"].department for x in listed]),
        charts=[charts.inline(c) for c in county_charts(county)],
        data=script_json(found),
        script=Markup(script),
    )
    path = folder / "index.html"
    path.write_bytes(html.encode("utf-8"))
    written.append(path)
    return sorted(written)
