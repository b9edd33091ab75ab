"""A power's flow → what its flowchart shows (权力运行流程图): the chart's Graphviz DOT text and the blocks
around it (`sheet.FlowSheet`), pure: no Graphviz, no files.

The chart has lanes by post, as blocks where the flow reaches the post (the lanes of the reference chart): a
post's steps on consecutive ranks sit in one shaded block, titled beside its first step (a post the flow comes
back to later gets another block), and blocks reached at different times share the page's width instead of each
taking a full-height column; ranks are shared by all lanes and the flow runs down. A long chart is also cut into
parts (`_splits`, joined by numbered connectors) that `sheet` sets as columns of one page, or over pages.
A box holds what a reader needs at a glance — the step's name, its time limit, a collective decision, who
supervises it, whether it is disclosed, its risk level (internal version) — and a short description; what would
stretch the box goes to a numbered legend (the mark ① after the step's name). Text breaks between words
(`text.cjk.phrases`), never inside one or inside a short bracketed phrase. Every string from the catalogue goes
through ``esc`` into an HTML-like label, so nothing in the data can change the graph's structure. The chart's fonts
are `sheet.STEP_SIZE` (names) and `sheet.TEXT_SIZE` (everything else): the page composer's legibility rule counts
on these two sizes alone.

On paper (issue 35, measured from Graphviz's layout in `tests/test_legibility.py`): a decision's diamond is sized
by Graphviz to hold its whole text box (`DIAMOND`); a branch's words (`when`) are a node of their own on the edge,
in the lane of the step they lead to (a loop's, or those of a branch that skips ranks, outside every block), the
line running into them from above and out below, so that no other node, label or line is laid over them; a
lane's title stands beside its first step, where no line into the lane runs (a post's later block: its name
alone); a step with no post stands in the 申请人 / 当事人 lane (`party_lane`), never in a lane of its own. A box
holds a description of one line; a longer one goes to the legend, which `sheet` prints beside a narrow chart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from powerctl.catalogue.config import DEFAULT_FONT
from powerctl.catalogue.model import Flow, Power, Step, TimeLimit, Unit
from powerctl.domain.flowgraph import depth_first
from powerctl.drawing.sheet import MAX_PARTS, STEP_SIZE, TEXT_SIZE, FlowSheet, Part
from powerctl.source.load import CONTROL_CHARS
from powerctl.text.cjk import BREAK, display_width, phrases, wrap

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
SUPERVISION_INK = "#C00000"
DISCLOSURE_INK = "#2E7D32"
LINK_FILL = "#FFFFFF"
WHEN_INK = "#1F4E79"

NAME_WIDTH = 12  # display columns of a step's name (STEP_SIZE)
BODY_WIDTH = 14  # of the other lines in a box (TEXT_SIZE)
DIAMOND_WIDTH = 8  # a diamond is twice as wide as its text: its name is kept narrow
EDGE_WIDTH = 12  # of a branch's label
GAP_RANKS = 1  # a post's next step more ranks below than this starts a new block
LANE_WIDTH = 10  # a lane title beside its step: narrow, on more lines
# Graphviz sizes a polygon's outline from its label's box plus the margin: a diamond whose minimum height is below
# its label's takes the outline that holds the whole box (twice the box's width and height, so the text's corners
# stay inside the rhombus); the margin keeps the text off the outline.
DIAMOND = 'shape=diamond, margin="0.04,0.02", width=0.1, height=0.1'
SHORT = BODY_WIDTH  # a description of one line stays in its box
PAGE_PHRASE = 64  # a bracketed phrase up to this many columns is kept whole in a line as wide as the page
_S = f"{STEP_SIZE:g}"
_T = f"{TEXT_SIZE:g}"

_EMPTY = "&#160;"  # Graphviz rejects an empty <FONT></FONT>: a blank field becomes one space


def esc(text: object) -> str:
    """Text made literal inside a Graphviz HTML-like label. Graphviz expands \\N, \\G … in label text
    (entities do not stop it), so a backslash is doubled; its HTML lexer fails on text that starts with
    `]`, so brackets become entities; white space (line breaks included) is collapsed to single spaces,
    and blank text becomes one no-break space (an empty element is a syntax error too); control
    characters, which the loader refuses anyway, are dropped (Graphviz would discard the whole label), and
    so are the word breaks `phrases` marks."""
    text = " ".join(CONTROL_CHARS.sub("", str(text).replace("\u200b", "")).split()).replace("\\", "\\\\")
    if not text:
        return _EMPTY
    return html.escape(text, quote=True).replace("[", "&#91;").replace("]", "&#93;")


@lru_cache(maxsize=4096)  # notes, channels and post names recur on every flowchart of a unit
def _lines(text: str, width: int, bold: bool = False) -> str:
    """``text`` wrapped between words to ``width`` and escaped, as label markup (inside a <FONT> or a <TD>)."""
    lines = [esc(line) for line in wrap(phrases(text), width)] or [_EMPTY]
    if bold:
        lines = [f"<B>{line}</B>" for line in lines]
    return "<BR/>".join(lines)


def _row(content: str, size: str = _T, colour: str = INK, bg: str | None = None) -> str:
    """One table row of an HTML-like label; ``content`` is already markup (`_lines`)."""
    cell = f'<TD BGCOLOR="{bg}">' if bg else "<TD>"
    return f'<TR>{cell}<FONT POINT-SIZE="{size}" COLOR="{colour}">{content or _EMPTY}</FONT></TD></TR>'


@dataclass(frozen=True)
class DrawOptions:
    internal: bool  # 内部 version: risk points shown on their steps
    font: str = DEFAULT_FONT
    paper: str = "auto"  # A4, A3 or auto (`sheet`)


def _days(step: Step, unit: str) -> str:
    if step.days is None:
        return ""
    return "即时办理" if step.days == 0 else f"{step.days} 个{unit}"


def mark(n: int) -> str:
    """The legend's mark for entry ``n`` (from 1): ① … ⑳, then (21), (22) …"""
    return chr(0x2460 + n - 1) if n <= 20 else f"({n})"


def link_mark(n: int) -> str:
    """A connector's mark (n from 1): A … Z, then AA, AB …; the legend's marks are ① ② …, so a reader never takes
    one for the other."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("A") + r) + letters
    return letters


def _details(unit: Unit, power: Power, flow: Flow, index: int, opts: DrawOptions) -> list[str]:
    """What a step's box cannot hold: a long description, how it is disclosed, its risk point (internal),
    how it is supervised."""
    step = flow.steps[index]
    out = []
    if step.does and (display_width(step.does) > SHORT or step.kind == "decision"):
        out.append(step.does)
    if step.disclosure is not None:
        d = step.disclosure
        when = f"{d.within_days} 日内" if d.within_days else ""
        out.append("公开：" + "，".join(p for p in (d.scope, "、".join(d.forms), when) if p))
    if opts.internal:
        for risk in power.risks:
            if risk.step == step.id:
                out.append(f"廉政风险（{risk.level}）：{risk.point}")
    for sup in flow.supervision:
        if sup.at == step.id:
            post = unit.post(sup.by)
            out.append(f"监督：{post.name if post is not None else sup.by}" + (f"，{sup.how}" if sup.how else ""))
    return out


def _step_label(unit: Unit, power: Power, index: int, opts: DrawOptions, note: str | None) -> str:
    flow = power.flow
    assert flow is not None
    step = flow.steps[index]
    decision = step.kind == "decision"
    name = _lines(step.name, DIAMOND_WIDTH if decision else NAME_WIDTH, bold=True)
    if note:
        name += f" <B>{note}</B>"
    rows = [f'<TR><TD><FONT POINT-SIZE="{_S}">{name}</FONT></TD></TR>']
    days = _days(step, power.day_unit)
    if step.kind == "collective":
        rows.append(_row("【集体讨论决定】", colour=KIND_STYLE["collective"][1]))
    if not decision and step.does and display_width(step.does) <= SHORT:
        rows.append(_row(_lines(step.does, BODY_WIDTH), colour=MUTED))
    # The time limit and the marks of supervision and disclosure share one line (a diamond's without 时限：, to
    # keep it narrow; the rest of a diamond's text is in the legend, under its mark).
    tags = []
    if days and (step.kind != "start" or step.days):  # a start step without a clock of its own shows none
        tags.append(f'<FONT COLOR="{KIND_STYLE["task"][1]}">{"" if decision else "时限："}{esc(days)}</FONT>')
    if any(sup.at == step.id for sup in flow.supervision):
        tags.append(f'<FONT COLOR="{SUPERVISION_INK}">监督</FONT>')
    if step.disclosure is not None:
        tags.append(f'<FONT COLOR="{DISCLOSURE_INK}">公开</FONT>')
    if tags:
        rows.append(f'<TR><TD><FONT POINT-SIZE="{_T}">{" ".join(tags)}</FONT></TD></TR>')
    if opts.internal:
        for risk in power.risks:
            if risk.step == step.id:
                bg, fg = RISK_COLOURS.get(risk.level, RISK_COLOURS["低"])
                rows.append(_row(esc(f"{'风险' if decision else '廉政风险：'}{risk.level}"), colour=fg, bg=bg))
    body = "".join(rows)
    pad = 0 if decision else 1
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{pad}">{body}</TABLE>>'


def _node_attrs(step: Step) -> str:
    fill, border = KIND_STYLE.get(step.kind, KIND_STYLE["task"])
    if step.kind == "decision":
        return f'{DIAMOND}, style="filled", fillcolor="{fill}", color="{border}"'
    if step.kind in ("start", "end"):
        return f'shape=box, style="rounded,filled,bold", fillcolor="{fill}", color="{border}"'
    if step.kind == "collective":
        return f'shape=box, style="rounded,filled", peripheries=2, fillcolor="{fill}", color="{border}"'
    if step.kind == "supervision":
        return f'shape=hexagon, style="filled", fillcolor="{fill}", color="{border}"'
    return f'shape=box, style="rounded,filled", fillcolor="{fill}", color="{border}"'


def _citation_text(power: Power) -> str:
    return "；".join(dict.fromkeys(c.text for c in power.basis)) or "（无）"


PARTY_WORDS = ("申请人", "当事人")
_PARTY_FIRST = {"行政处罚", "行政强制", "行政检查"}  # categories whose counterparty is a 当事人, not an 申请人


def party_word(power: Power) -> str:
    """What the chart calls the person the power is exercised for or against."""
    return "当事人" if power.category in _PARTY_FIRST else "申请人"


def party_lane(unit: Unit, power: Power) -> str:
    """The lane of a step without a post: the 申请人 or 当事人 — an outside post of the unit named so (one the flow
    uses first), else a lane of that name. A step nobody was named for is, in a published flow, the applicant's or
    the party's own (提出申请, 陈述申辩, 领取证件): a reader looks for it on their side, not in a lane of its own."""
    flow = power.flow
    assert flow is not None
    word = party_word(power)
    words = (word, *(w for w in PARTY_WORDS if w != word))
    used = {s.post for s in flow.steps}
    outside = [p for p in unit.posts if p.rank == "外部"]
    for w in words:
        for post in sorted(outside, key=lambda p: p.id not in used):
            if w in post.name:
                return post.id
    return ""  # no such post: a lane titled with the word


def _lanes(unit: Unit, power: Power, keep: Iterable[int]) -> list[tuple[str, list[int]]]:
    """Steps grouped by post (a step without one in the party's lane) into runs of ranks no more than `GAP_RANKS`
    apart, lanes in the order the flow reaches them (the rank of a lane's first step, then the order of the
    steps)."""
    flow = power.flow
    assert flow is not None
    party = party_lane(unit, power) if any(s.post is None for s in flow.steps) else ""
    posts: dict[str, list[int]] = {}
    for i in keep:
        posts.setdefault(flow.steps[i].post or _lane_of_unposted(flow, i, party), []).append(i)
    rank = _ranks(flow)
    lanes: list[tuple[str, list[int]]] = []
    for post, steps in posts.items():
        run: list[int] = []
        for i in sorted(steps, key=lambda i: (rank[i], i)):
            if run and rank[i] - rank[run[-1]] > GAP_RANKS:
                lanes.append((post, run))
                run = []
            run.append(i)
        lanes.append((post, run))
    return sorted(lanes, key=lambda lane: (min(rank[i] for i in lane[1]), lane[1][0]))


def _lane_of_unposted(flow: Flow, index: int, party: str) -> str:
    """The lane of a step without a post: an end step (归档, 办结) closes the work of the step before it and stands in
    its lane; any other is the party's own (提出申请, 陈述申辩)."""
    if flow.steps[index].kind == "end":
        for i in range(len(flow.steps)):
            if flow.steps[i].post and any(j == index for j, _ in flow.successors(i)):
                return flow.steps[i].post or party
    return party


def _lane_title(unit: Unit, power: Power, post_id: str, again: bool = False) -> str:
    """The lane's heading: the post in bold, its department (when the post's name does not say it) under it;
    `again`: a later block of a post already titled in full above, the post's name alone."""
    post = unit.post(post_id) if post_id else None
    if post is None:  # the party's lane, the unit having no post for them
        return _lines(party_word(power), LANE_WIDTH, bold=True)
    departments = {d.id: d.name for d in unit.departments}
    dept = departments.get(post.department or "", "")
    title = _lines(post.name, _lane_width(post.name), bold=True)
    # The department only where the post's name does not already say it (浉河区卫生健康综合监督执法大队…中队长 is in
    # 信阳市浉河区卫生健康综合监督执法大队: a name ending of six characters or more found in the post's name; a
    # department's bracketed part aside, as in 调处中心（调解室）).
    named = (dept, _BRACKETED.sub("", dept))
    if dept and not again and not any(d[k:] in post.name for d in named for k in range(max(1, len(d) - 5))):
        title += f'<BR/><FONT COLOR="{MUTED}">{_lines(f"（{dept}）", _lane_width(f"（{dept}）"))}</FONT>'
    return title


_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")
_MARKS = "（）()〔〕、，。："


def _lane_width(text: str) -> int:
    """A lane title's width: `LANE_WIDTH`, or up to two characters more where that keeps a lone character off the
    last line (（局领导班 / 子）, 监督股巡查 / 员)."""
    for width in (LANE_WIDTH, LANE_WIDTH + 2, LANE_WIDTH + 4):
        lines = wrap(phrases(text), width)
        if len(lines) < 2 or display_width(lines[-1].strip(_MARKS)) > 2:
            return width
    return LANE_WIDTH


def _chart(
    unit: Unit,
    power: Power,
    opts: DrawOptions,
    marks: dict[int, str],
    keep: Sequence[int] | None = None,
    links: Sequence[tuple[int, int, str]] = (),
) -> str:
    """The swimlane chart of the steps ``keep`` (all by default), in flow order; ``links``: edges to or from
    a step on another page, drawn to or from a connector circle that carries their number."""
    flow = power.flow
    assert flow is not None
    font = esc(opts.font)
    shown = list(range(len(flow.steps))) if keep is None else list(keep)
    inside = set(shown)
    out = [
        "digraph flow {",
        f'  graph [rankdir=TB, newrank=true, nodesep=0.1, ranksep=0.12, fontname="{font}", '
        f'pad=0.05, bgcolor="white", outputorder=edgesfirst];',
        f'  node [fontname="{font}", fontsize={_T}, fontcolor="{INK}", margin="0.06,0.03", penwidth=1.1];',
        f'  edge [fontname="{font}", fontsize={_T}, fontcolor="#1F4E79", color="{EDGE}", arrowsize=0.7];',
    ]
    lanes = _lanes(unit, power, shown)
    crossing = {(i, j): edge.when for i in shown for j, edge in flow.successors(i) if edge is not None and edge.when}
    back = depth_first(flow).back
    labelled = {
        (i, n): (j, edge.when)
        for i in shown
        for n, (j, edge) in enumerate(flow.successors(i))
        if j in inside and edge is not None and edge.when
    }
    # The words of a loop, or of a branch that skips ranks, stand outside every block: in the block of the step
    # they lead to, they would stretch it up to the rank under the decision (a loop: down to the rank it starts
    # from) and push the blocks beside it aside.
    rank = _ranks(flow)
    free = {(i, j) for (i, _), (j, _) in labelled.items() if (i, j) in back or rank[j] > rank[i] + 1}
    names = [post.name for post in (unit.post(p) for p in dict.fromkeys(p for p, _ in lanes)) if post is not None]
    titled: set[str] = set()
    for lane_no, (post_id, indexes) in enumerate(lanes):
        post = unit.post(post_id) if post_id else None
        again = post_id in titled and post is not None and names.count(post.name) == 1
        titled.add(post_id)
        out.append(f"  subgraph cluster_lane{lane_no} {{")
        out.append(f'    graph [label="", style="filled", fillcolor="{LANE_FILL}", color="{LANE_BORDER}", margin=3];')
        # The lane's title beside its first step (not above it, where the line into the lane would cross it);
        # filled, so a line Graphviz routes under it does not strike its text.
        out.append(
            f'    t{lane_no} [shape=plaintext, margin="0.03,0.04", fontsize={_T}, style=filled, '
            f'fillcolor="{LANE_FILL}", label=<{_lane_title(unit, power, post_id, again)}>];'
        )
        out.append(f"    {{rank=same; t{lane_no}; s{indexes[0]};}}")
        out.append(f"    t{lane_no} -> s{indexes[0]} [style=invis];")
        for i in indexes:
            label = _step_label(unit, power, i, opts, marks.get(i))
            out.append(f"    s{i} [{_node_attrs(flow.steps[i])}, label={label}];")
        # A branch's words stand in the lane of the step it leads to, right above it: the lane of a decision
        # does not have to hold all its branches side by side.
        for (i, n), (j, when) in labelled.items():
            if j in indexes and (i, j) not in free:
                out.append(_words(f"w{i}_{n}", when))
        for k, (a, b, number) in enumerate(links):
            if a in indexes and b not in inside and (a, b) in crossing:  # the branch's words before its connector
                out.append(
                    f'    x{k} [shape=plaintext, width=0, height=0, margin="0.02,0.01", fontcolor="{WHEN_INK}", '
                    f"label=<{_lines(crossing[a, b], EDGE_WIDTH)}>];"
                )
            if (a in inside) != (b in inside) and (a if a in inside else b) in indexes:
                out.append(
                    f'    c{k} [shape=circle, style="filled", fillcolor="{LINK_FILL}", color="{EDGE}", width=0.3, '
                    f'fixedsize=false, margin="0.02,0.02", label=<<FONT POINT-SIZE="{_T}">'
                    f"{'接续' if a in inside else '接'}<BR/>{esc(number)}</FONT>>];"
                )
        out.append("  }")
    out.extend(_words(f"w{i}_{n}", when) for (i, n), (j, when) in labelled.items() if (i, j) in free)
    for i in shown:
        words = [f"w{i}_{n}" for n, _ in enumerate(flow.successors(i)) if (i, n) in labelled]
        if len(words) > 1:  # a step's branch labels side by side, right under it
            out.append(f"  {{rank=same; {'; '.join(words)};}}")
        for n, (j, _) in enumerate(flow.successors(i)):
            if j not in inside:
                continue
            loop = ["style=dashed", "constraint=false", 'color="#7F7F7F"'] if (i, j) in back else []
            if (i, n) in labelled:
                # The branch's words are a node on its edge: the line runs into them from above and out of them
                # below, so it never runs along them, and no other line is routed through them.
                into = ["headport=n", "arrowhead=none", *loop[:1]]
                out.append(f"  s{i} -> w{i}_{n} [{', '.join(into)}];")
                out.append(f"  w{i}_{n} -> s{j} [{', '.join(['tailport=s', *(loop or ['weight=4'])])}];")
            else:
                out.append(f"  s{i} -> s{j}" + (f" [{', '.join(loop)}]" if loop else "") + ";")
    # A connector stands beside its step, not in a rank of its own: a part is no taller for it.
    for k, (a, b, _) in enumerate(links):
        if a in inside and b not in inside and (a, b) in crossing:  # below its step: the words on the way to it
            out.append(f"  s{a} -> x{k} [headport=n, arrowhead=none];\n  x{k} -> c{k} [tailport=s];")
        elif a in inside and b not in inside:
            out.append(f"  {{rank=same; s{a}; c{k};}}\n  s{a} -> c{k};")
        elif b in inside and a not in inside:
            out.append(f"  {{rank=same; s{b}; c{k};}}\n  s{b} -> c{k} [dir=back];")  # on the right, not over the title
    out.append("}")
    return "\n".join(out) + "\n"


def _words(node: str, when: str) -> str:
    """A branch's words as a node on its edge."""
    return (
        f'    {node} [shape=plaintext, width=0, height=0, margin="0.02,0.01", fontcolor="{WHEN_INK}", '
        f"label=<{_lines(when, EDGE_WIDTH)}>];"
    )


def flow_dot(unit: Unit, power: Power, opts: DrawOptions) -> str:
    """The DOT text of one power's chart (without the blocks around it). The power must have a flow."""
    if power.flow is None:
        raise ValueError(f"power {power.id} has no flow")
    return _chart(unit, power, opts, _legend(unit, power, opts)[0])


def _legend(unit: Unit, power: Power, opts: DrawOptions) -> tuple[dict[int, str], list[tuple[str, str]], list[int]]:
    """The steps' marks, the legend's entries, and the step of each entry. Every step is numbered in the flow's
    order (① ② …: a reader takes the marks for the steps' numbers, and a mark skipped read as a step missing);
    the legend explains the steps that have more to say, under their numbers."""
    flow = power.flow
    assert flow is not None
    marks = {i: mark(i + 1) for i in range(len(flow.steps))}
    entries: list[tuple[str, str]] = []
    steps: list[int] = []
    for i, step in enumerate(flow.steps):
        details = _details(unit, power, flow, i, opts)
        if details:
            entries.append((marks[i], f"{step.name}：" + "；".join(details)))
            steps.append(i)
    return marks, entries, steps


def _ranks(flow: Flow) -> list[int]:
    """Each step's rank: the longest chain of forward edges from the start (loops dropped)."""
    walk = depth_first(flow)
    rank = [0] * len(flow.steps)
    for i in reversed(walk.order):  # reverse post-order: a topological order of the DAG
        for j in walk.dag[i]:
            rank[j] = max(rank[j], rank[i] + 1)
    return rank


def _splits(
    unit: Unit, power: Power, opts: DrawOptions, marks: dict[int, str], steps: list[int]
) -> list[tuple[Part, ...]]:
    """The chart in 2 … MAX_PARTS parts (columns of a page, or pages): its ranks cut into runs of about equal
    height (estimated from the lines of text of each rank's tallest box), each edge between two parts drawn as a
    pair of numbered connectors."""
    flow = power.flow
    assert flow is not None
    rank = _ranks(flow)
    ranks: dict[int, list[int]] = {}
    for i in range(len(flow.steps)):
        ranks.setdefault(rank[i], []).append(i)
    led = {j for i in range(len(flow.steps)) for j, edge in flow.successors(i) if edge is not None and edge.when}
    tall = [max(_lines_in(flow.steps[i]) for i in ranks[r]) + any(i in led for i in ranks[r]) for r in sorted(ranks)]
    out = []
    for parts in range(2, MAX_PARTS + 1):
        if parts > len(tall):
            break
        chunks: list[list[int]] = [[]]
        done = 0.0
        for r, height in zip(sorted(ranks), tall, strict=True):
            if chunks[-1] and len(chunks) < parts and done + height / 2 > sum(tall) * len(chunks) / parts:
                chunks.append([])
            chunks[-1].extend(ranks[r])
            done += height
        page = {i: n for n, chunk in enumerate(chunks) for i in chunk}
        links: list[tuple[int, int, str]] = []
        for i in range(len(flow.steps)):
            for j, _ in flow.successors(i):
                if page[i] != page[j]:
                    links.append((i, j, link_mark(len(links) + 1)))
        made = []
        for chunk in chunks:
            keep = sorted(chunk)
            legend = tuple(n for n, step in enumerate(steps) if step in chunk)
            made.append(Part(_chart(unit, power, opts, marks, keep, links), legend))
        out.append(tuple(made))
    return out


def _lines_in(step: Step) -> float:
    """About how tall a step's box is, in lines of text with its padding (a diamond twice its text)."""
    decision = step.kind == "decision"
    lines = len(wrap(phrases(step.name), DIAMOND_WIDTH if decision else NAME_WIDTH)) + 1
    if decision:
        return 2.0 * lines
    lines += (step.kind == "collective") + bool(step.does and display_width(step.does) <= SHORT)
    return lines + 1.5


def flow_sheet(unit: Unit, power: Power, opts: DrawOptions) -> FlowSheet:
    """Everything the power's flowchart page shows. The power must have a flow."""
    flow = power.flow
    if flow is None:
        raise ValueError(f"power {power.id} has no flow")
    tl = power.time_limit
    # The title and the lines under it are a page wide: a law's 《title》 and the 事项编码 are never broken inside.
    title = phrases(f"{power.category}：{power.name}", whole=PAGE_PHRASE)
    if power.code:
        title += BREAK + f"（事项编码 {power.code}）"
    limit = _limit_text(tl)
    version = "内部流程图（含廉政风险点）" if opts.internal else "权力运行流程图"
    channels = flow.complaint if flow.complaint is not None else unit.complaint_channels
    sections = [("行使条件", tuple(flow.conditions))]
    if power.has_counterparty or flow.rights:
        sections.append(("相对人的权利", tuple(flow.rights)))
    sections.append(("投诉举报途径和方式", tuple(f"{c.way}：{c.contact}" for c in channels)))
    marks, entries, steps = _legend(unit, power, opts)
    return FlowSheet(
        font=opts.font,
        title=title,
        lines=tuple(
            phrases(line, whole=PAGE_PHRASE)
            for line in (f"{unit.name}　{version}　{limit}", "依据：" + _citation_text(power))
        ),
        sections=tuple((h, tuple(phrases(i) for i in items)) for h, items in sections),
        chart=_chart(unit, power, opts, marks),
        legend=tuple((m, phrases(t)) for m, t in entries),
        splits=tuple(_splits(unit, power, opts, marks, steps)),
        paper=opts.paper,
    )


def _limit_text(tl: TimeLimit | None) -> str:
    """承诺时限 5 个工作日（法定 20 个工作日） / 承诺时限 即办 / 法定时限 20 个工作日; empty without a clock."""
    if tl is None:
        return ""
    parts = []
    if tl.promised is not None:
        parts.append(f"承诺时限 {tl.shown(tl.promised, tl.unit)}")
    if tl.statutory is not None:
        shown = tl.shown(tl.statutory, tl.unit)
        parts.append(f"（法定 {shown}）" if parts else f"法定时限 {shown}")
    if not parts:
        return "无办理时限"
    return (f"{tl.start}，" if tl.start else "") + "".join(parts)
