"""Graph questions about a flow: reachability, the steps every path takes, edges, the longest path in days."""

from __future__ import annotations

from dataclasses import dataclass

from powerctl.catalogue.model import Flow


def reachable_from_start(flow: Flow) -> set[int]:
    if not flow.steps:
        return set()
    seen = {flow.start_index()}
    todo = [flow.start_index()]
    while todo:
        i = todo.pop()
        for j, _ in flow.successors(i):
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


def can_reach_end(flow: Flow) -> set[int]:
    n = len(flow.steps)
    preds: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        for j, _ in flow.successors(i):
            preds[j].append(i)
    ok = {i for i in range(n) if flow.is_end(i)}
    todo = list(ok)
    while todo:
        j = todo.pop()
        for i in preds[j]:
            if i not in ok:
                ok.add(i)
                todo.append(i)
    return ok


@dataclass(frozen=True)
class LongestPath:
    days: int
    steps: tuple[int, ...]


@dataclass(frozen=True)
class Traversal:
    """A depth-first search from the start: post-order, the DAG left without loops, and the loop edges."""

    order: tuple[int, ...]
    dag: tuple[tuple[int, ...], ...]
    back: frozenset[tuple[int, int]]


def depth_first(flow: Flow) -> Traversal:
    n = len(flow.steps)
    if not n:
        return Traversal((), (), frozenset())
    start = flow.start_index()
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    dag: list[list[int]] = [[] for _ in range(n)]
    back: set[tuple[int, int]] = set()
    stack: list[tuple[int, int]] = [(start, 0)]
    state[start] = 1
    while stack:
        i, k = stack.pop()
        succ = flow.successors(i)
        if k < len(succ):
            stack.append((i, k + 1))
            j = succ[k][0]
            if state[j] == 1:
                back.add((i, j))  # a loop back to an earlier step (退回补正)
                continue
            if j not in dag[i]:
                dag[i].append(j)
            if state[j] == 0:
                state[j] = 1
                stack.append((j, 0))
        else:
            state[i] = 2
            order.append(i)
    return Traversal(tuple(order), tuple(tuple(d) for d in dag), frozenset(back))


def longest_path(flow: Flow) -> LongestPath | None:
    """The path from the start to an end with the most days; loops (退回补正) are taken once.

    Back edges found by a depth-first search from the start are dropped, which leaves a
    DAG; the longest path is then a dynamic programme over its post-order.
    """
    if not flow.steps:
        return None
    start = flow.start_index()
    walk = depth_first(flow)
    best: dict[int, tuple[int, tuple[int, ...]]] = {}
    for i in walk.order:  # post-order: successors come first
        days = flow.steps[i].days or 0
        options = [best[j] for j in walk.dag[i] if j in best]
        if options:
            d, path = max(options, key=lambda o: o[0])
            best[i] = (days + d, (i, *path))
        elif flow.is_end(i):
            best[i] = (days, (i,))
    if start not in best:
        return None
    d, path = best[start]
    return LongestPath(d, path)


def must_pass(flow: Flow, to: set[int] | None = None) -> set[int]:
    """The steps every path from the start to one of `to` (default: the ends) goes through, `to`'s own
    steps among them when there is one: the dominators of those steps. None when they cannot be reached.
    A flow has a few dozen steps: each step is tried taken out."""
    n = len(flow.steps)
    if not n:
        return set()
    start = flow.start_index()
    ends = to if to is not None else {i for i in range(n) if flow.is_end(i)}

    def reaches_end(without: int | None) -> bool:
        if start == without:
            return False
        seen, todo = {start}, [start]
        while todo:
            i = todo.pop()
            if i in ends:
                return True
            for j, _ in flow.successors(i):
                if j != without and j not in seen:
                    seen.add(j)
                    todo.append(j)
        return False

    if not reaches_end(None):
        return set()
    return {v for v in range(n) if not reaches_end(v)}


def edges(flow: Flow) -> set[tuple[str, str]]:
    """Every edge of the flow as (step id, next step id)."""
    return {(flow.steps[i].id, flow.steps[j].id) for i in range(len(flow.steps)) for j, _ in flow.successors(i)}
