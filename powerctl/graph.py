"""A power's flow → Graphviz DOT text (权力运行流程图), pure: no Graphviz, no files.

Top to bottom; one swimlane per post in flow order; shapes by step kind; the seven elements
on the page: conditions, posts, steps, days, supervision, rights and complaint channels; the
title block carries the category, name, code, time limits and legal basis. Every string from
the catalogue goes through ``esc`` into an HTML-like label, so nothing in the data can change
the graph's structure.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from powerctl.flowgraph import depth_first
from powerctl.load import CONTROL_CHARS
from powerctl.model import Flow, Power, Step, Unit
from powerctl.textwrap_cjk import wrap

DEFAULT_FONT = "Noto Sans CJK SC"

# Colours: calm fills, strong borders, one accent per meaning.
INK = "#1F2937"
MUTED = "#4B5563"
EDGE = "#4B5563"
LANE_FILL = "#F7F7F7"
LANE_BORDER = "#A6A6A6"
KIND_STYLE: dict[str, tuple[str, str]] = {  # fill, border
    "start": ("#FFF2CC", "#B58B00"),
    "end": ("#E2EFDA", "#548235"),
    "task": ("#EAF1FB", "#2F5597"),
    "decision": ("#FCE4D6", "#2F5597"),
    "collective": ("#EDE7F6", "#5B3F99"),
    "supervision": ("#FDECEC", "#C00000"),
}
RISK_COLOURS = {"高": ("#C00000", "#FFFFFF"), "中": ("#ED7D31", "#FFFFFF"), "低": ("#FFE699", INK)}
SUPERVISION_FILL = "#FDF1F1"
SUPERVISION_BORDER = "#C00000"
NOTE_FILL = "#FFFFFF"
NOTE_BORDER = "#7F7F7F"
DISCLOSURE_INK = "#2E7D32"

_DECISION_PORTS = ("s", "e", "w")
NODE_WIDTH = 22  # display columns of a step's body text
NOTE_WIDTH = 30
TITLE_WIDTH = 70


_EMPTY = "&#160;"  # Graphviz rejects an empty <FONT></FONT>: a blank field becomes one space


def esc(text: object) -> str:
    """Text made literal inside a Graphviz HTML-like label. Graphviz expands \\N, \\G … in label text
    (entities do not stop it), so a backslash is doubled; its HTML lexer fails on text that starts with
    `]`, so brackets become entities; white space (line breaks included) is collapsed to single spaces,
    and blank text becomes one no-break space (an empty element is a syntax error too); control
    characters, which the loader refuses anyway, are dropped (Graphviz would discard the whole label)."""
    text = " ".join(CONTROL_CHARS.sub("", str(text)).split()).replace("\\", "\\\\")
    if not text:
        return _EMPTY
    return html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;")


@lru_cache(maxsize=4096)  # notes, channels and post names recur on every flowchart of a unit
def _lines(text: str, width: int, bold: bool = False) -> str:
    """``text`` wrapped to ``width`` and escaped, as label markup (inside a <FONT>, a <TD> or a whole label)."""
    return _stack(tuple(wrap(text, width)), bold)


def _stack(lines: tuple[str, ...], bold: bool = False, left: bool = False) -> str:
    """Lines of text, one above the other. Graphviz spaces <BR/> lines by the font size, so that lines of
    Chinese nearly touch; as rows of a table with one unit of padding they are 1.3 apart. Left-aligned lines
    (the notes strip, where a shorter column would have its rows spread over the height of the tallest one)
    stay <BR/> lines in a BALIGN="LEFT" cell."""
    marked = [f"<B>{esc(line)}</B>" if bold else esc(line) for line in lines] or [_EMPTY]
    if len(marked) == 1 or left:
        return "<BR/>".join(marked)
    rows = "".join(f"<TR><TD>{line}</TD></TR>" for line in marked)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>'


def _row(content: str, size: int, colour: str = INK, bg: str | None = None) -> str:
    """One table row of an HTML-like label; ``content`` is already markup (`_lines`)."""
    cell = f'<TD BGCOLOR="{bg}">' if bg else "<TD>"
    return f'<TR>{cell}<FONT POINT-SIZE="{size}" COLOR="{colour}">{content or _EMPTY}</FONT></TD></TR>'


@dataclass(frozen=True)
class DrawOptions:
    internal: bool  # 内部 version: risk points shown on their steps
    font: str = DEFAULT_FONT


def _days(step: Step, unit: str) -> str:
    if step.days is None:
        return ""
    return "即时办理" if step.days == 0 else f"{step.days} 个{unit}"


def _step_label(power: Power, step: Step, unit: Unit, opts: DrawOptions) -> str:
    rows = [f'<TR><TD><B><FONT POINT-SIZE="13">{esc(step.name) or _EMPTY}</FONT></B></TD></TR>']
    if step.kind == "collective":
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="10" COLOR="{KIND_STYLE["collective"][1]}">【集体讨论决定】</FONT></TD></TR>'
        )
    width = 16 if step.kind == "decision" else NODE_WIDTH
    if step.does:
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{MUTED}">{_lines(step.does, width)}</FONT></TD></TR>')
    days = _days(step, power.time_limit.unit)
    if days and step.kind not in ("start",):
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{KIND_STYLE["task"][1]}">时限：{esc(days)}</FONT></TD></TR>')
    if step.disclosure is not None:
        d = step.disclosure
        parts = [d.scope, "、".join(d.forms)]
        if d.within_days:
            parts.append(f"{d.within_days} 日内")
        text = "公开：" + "｜".join(p for p in parts if p)
        rows.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{DISCLOSURE_INK}">{_lines(text, width)}</FONT></TD></TR>')
    if opts.internal:
        for risk in power.risks:
            if risk.step == step.id:
                bg, fg = RISK_COLOURS.get(risk.level, RISK_COLOURS["低"])
                text = f"廉政风险（{risk.level}）：{risk.point}"
                rows.append(
                    f'<TR><TD BGCOLOR="{bg}"><FONT POINT-SIZE="10" COLOR="{fg}">{_lines(text, width)}</FONT></TD></TR>'
                )
    body = "".join(rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{body}</TABLE>>'


def _node_attrs(step: Step) -> str:
    fill, border = KIND_STYLE.get(step.kind, KIND_STYLE["task"])
    if step.kind == "decision":
        return f'shape=diamond, style="filled", fillcolor="{fill}", color="{border}", margin="0.02,0.02"'
    if step.kind in ("start", "end"):
        return f'shape=box, style="rounded,filled,bold", fillcolor="{fill}", color="{border}"'
    if step.kind == "collective":
        return f'shape=box, style="rounded,filled", peripheries=2, fillcolor="{fill}", color="{border}"'
    if step.kind == "supervision":
        return f'shape=hexagon, style="filled", fillcolor="{fill}", color="{border}"'
    return f'shape=box, style="rounded,filled", fillcolor="{fill}", color="{border}"'


def _citation_text(power: Power) -> str:
    parts = []
    for c in power.basis:
        parts.append(c.text)
    return "；".join(dict.fromkeys(parts)) or "（无）"


def _title(unit: Unit, power: Power, flow: Flow, opts: DrawOptions) -> str:
    tl = power.time_limit
    head = f"{power.category}：{power.name}"
    if power.code:
        head += f"（事项编码 {power.code}）"
    limit = f"承诺时限 {tl.promised} 个{tl.unit}"
    if tl.statutory is not None:
        limit += f"（法定 {tl.statutory} 个{tl.unit}）"
    version = "内部流程图（含廉政风险点）" if opts.internal else "权力运行流程图"
    rows = [
        _row(_lines(head, TITLE_WIDTH, bold=True), 20),
        _row(f"{esc(unit.name)}　{esc(version)}　{esc(limit)}", 12, MUTED),
        _row(_lines("依据：" + _citation_text(power), TITLE_WIDTH), 11, MUTED),
        f"<TR><TD>{_notes(power, unit, flow)}</TD></TR>",
    ]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">{"".join(rows)}</TABLE>>'


def _bullets(items: Iterable[str], width: int) -> str:
    lines = tuple(line for item in items for line in wrap(f"· {item}", width))
    return _stack(lines, left=True) if lines else "（无）"


def _notes(power: Power, unit: Unit, flow: Flow) -> str:
    """The strip under the title: 行使条件, 相对人的权利 and 投诉举报途径, side by side."""
    channels = flow.complaint if flow.complaint is not None else unit.complaint_channels
    sections = [("行使条件", _bullets(flow.conditions, NOTE_WIDTH))]
    if power.has_counterparty:
        sections.append(("相对人的权利", _bullets(flow.rights, NOTE_WIDTH)))
    sections.append(("投诉举报途径和方式", _bullets((f"{c.way}：{c.contact}" for c in channels), NOTE_WIDTH)))
    heads = "".join(f'<TD ALIGN="LEFT" BGCOLOR="#EFEFEF"><B>{esc(h)}</B></TD>' for h, _ in sections)
    bodies = "".join(
        f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="10">{b}</FONT></TD>' for _, b in sections
    )
    return (
        f'<TABLE BORDER="1" COLOR="{NOTE_BORDER}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'BGCOLOR="{NOTE_FILL}"><TR>{heads}</TR><TR>{bodies}</TR></TABLE>'
    )


def _supervision(unit: Unit, flow: Flow, index: int) -> list[str]:
    """监督制约环节 at step ``index``: red notes beside it in its lane, tied by dotted lines."""
    step = flow.steps[index]
    out = []
    for k, sup in enumerate(flow.supervision):
        if sup.at != step.id:
            continue
        post = unit.post(sup.by)
        who = post.name if post is not None else sup.by
        label = (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + _row(_lines("监督：" + who, 16, bold=True), 10, SUPERVISION_BORDER)
            + _row(_lines(sup.how, 16), 10, MUTED)
            + "</TABLE>>"
        )
        out.append(
            f'    v{k} [shape=note, style="filled", fillcolor="{SUPERVISION_FILL}", color="{SUPERVISION_BORDER}", '
            f"fontsize=10, label={label}];"
        )
        out.append(f"    {{rank=same; s{index}; v{k};}}")
        out.append(f'    s{index} -> v{k} [style=dotted, color="{SUPERVISION_BORDER}", arrowhead=none, penwidth=1.5];')
    return out


def _lanes(flow: Flow) -> list[tuple[str | None, list[int]]]:
    """Steps grouped by post, lanes in order of the post's first step."""
    lanes: dict[str | None, list[int]] = {}
    for i, step in enumerate(flow.steps):
        lanes.setdefault(step.post, []).append(i)
    return list(lanes.items())


def flow_dot(unit: Unit, power: Power, opts: DrawOptions) -> str:
    """The DOT text of one power's flowchart. The power must have a flow."""
    flow = power.flow
    if flow is None:
        raise ValueError(f"power {power.id} has no flow")
    font = esc(opts.font)
    out = [
        "digraph flow {",
        f'  graph [rankdir=TB, newrank=true, compound=true, nodesep=0.45, ranksep=0.5, fontname="{font}", '
        f'labelloc=t, labeljust=c, pad=0.3, bgcolor="white", label={_title(unit, power, flow, opts)}];',
        f'  node [fontname="{font}", fontsize=11, fontcolor="{INK}", margin="0.15,0.08", penwidth=1.3];',
        f'  edge [fontname="{font}", fontsize=10, fontcolor="#1F4E79", color="{EDGE}", arrowsize=0.8];',
    ]
    departments = {d.id: d.name for d in unit.departments}
    for lane_no, (post_id, indexes) in enumerate(_lanes(flow)):
        post = unit.post(post_id)
        if post is not None:
            dept = departments.get(post.department or "", "")
            title = post.name + (f"（{dept}）" if dept and dept not in post.name else "")
        else:
            title = "未指定岗位"
        out.append(f"  subgraph cluster_lane{lane_no} {{")
        out.append(
            f'    graph [label=<{_lines(title, 30, bold=True)}>, fontsize=13, style="filled,rounded", '
            f'fillcolor="{LANE_FILL}", color="{LANE_BORDER}", margin=14];'
        )
        for i in indexes:
            step = flow.steps[i]
            out.append(f"    s{i} [{_node_attrs(step)}, label={_step_label(power, step, unit, opts)}];")
            out.extend(_supervision(unit, flow, i))
        out.append("  }")

    back = depth_first(flow).back
    for i in range(len(flow.steps)):
        branches = flow.successors(i)
        for n, (j, edge) in enumerate(branches):
            attrs = []
            if flow.steps[i].kind == "decision" and len(branches) > 1 and (i, j) not in back:
                # Branches leave a diamond from different corners, so their labels do not collide.
                attrs.append(f"tailport={_DECISION_PORTS[n % len(_DECISION_PORTS)]}")
            if edge is not None and edge.when:
                attrs.append(
                    f"xlabel=<{_lines(edge.when, 12)}>" if (i, j) in back else f"label=<{_lines(edge.when, 12)}>"
                )
            if (i, j) in back:
                attrs.append('style=dashed, constraint=false, color="#7F7F7F"')
            out.append(f"  s{i} -> s{j}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")

    out.append("}")
    return "\n".join(out) + "\n"
