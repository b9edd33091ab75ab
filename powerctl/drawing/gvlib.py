"""Graphviz in-process (libcgraph + libgvc through ctypes), with object ids that do not depend on the heap.

Why not simply feed many graphs to one `dot` process: cgraph names a named object (a node, a cluster) by the
address of its interned name string, and dot orders clusters by that id. The first graph of a process gets
addresses in allocation order, so a lone `dot` run is stable; later graphs get whatever the allocator hands
back after the earlier ones, and Pango's font threads make that differ from run to run, so a batched run
moves clusters and splines. Here the graph is read with an id discipline that numbers names in the order
they are first seen, so a graph's layout depends on its text only: the same bytes as a lone `dot` run,
whatever was drawn before it in the same process.

The discipline's structs are those of Graphviz 2.x to 8.x (`AgMemDisc` and the id callbacks of cgraph.h);
Graphviz 9 removed the memory discipline and keeps the same soname, so for any other version `Graphviz()`
raises `GraphvizUnsupported` before touching them, and the caller draws with `dot` processes instead.

One `Graphviz` per process; it is not thread-safe (Graphviz keeps global state).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from typing import Any

_IDTYPE = ctypes.c_uint64
_OPEN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_MAP = ctypes.CFUNCTYPE(
    ctypes.c_long, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(_IDTYPE), ctypes.c_int
)
_ALLOC = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_void_p, ctypes.c_int, _IDTYPE)
_FREE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, _IDTYPE)
_PRINT = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, _IDTYPE)
_CLOSE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_REGISTER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_ERRF = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p)


class _IdDisc(ctypes.Structure):  # struct Agiddisc_s (cgraph.h, Graphviz 2.x)
    _fields_ = [
        ("open", _OPEN),
        ("map", _MAP),
        ("alloc", _ALLOC),
        ("free", _FREE),
        ("print", _PRINT),
        ("close", _CLOSE),
        ("idregister", _REGISTER),
    ]


class _Disc(ctypes.Structure):  # struct Agdisc_s
    _fields_ = [("mem", ctypes.c_void_p), ("id", ctypes.POINTER(_IdDisc)), ("io", ctypes.c_void_p)]


class GraphvizError(Exception):
    """Graphviz could not read, lay out or draw a graph; the message is Graphviz's own."""


class GraphvizUnsupported(Exception):
    """The loaded libcgraph is not one whose discipline structs this module knows (see the module doc)."""


SUPPORTED_MAJOR = range(2, 9)  # Graphviz 2.x … 8.x: the Agdisc_s with a memory discipline


def version_of(text: str) -> tuple[int, ...]:
    """(major, minor, patch) of a Graphviz version string such as "2.43.0" or "12.1.2~dev.20240716"."""
    found = re.match(r"(\d+)[^.]*(?:\.(\d+)[^.]*(?:\.(\d+))?)?", text.strip())
    return tuple(int(number) for number in found.groups() if number) if found else ()


def _load(name: str, soname: str) -> ctypes.CDLL:
    try:
        return ctypes.CDLL(soname)
    except OSError:
        found = ctypes.util.find_library(name)
        if found is None:
            raise
        return ctypes.CDLL(found)


class Graphviz:
    """`draw(dot, formats)` lays a graph out once and renders it in each format, in this process."""

    def __init__(self) -> None:
        self._cg = _load("cgraph", "libcgraph.so.6")
        self._gvc = _load("gvc", "libgvc.so.6")
        self._libc = ctypes.CDLL(None)
        self._names: dict[bytes, int] = {}
        self._buffers: dict[int, ctypes.Array[ctypes.c_char]] = {}
        self._addresses: dict[int, int] = {}  # id → its name's buffer (Graphviz asks for names very often)
        self._counter = 0
        # The last graph laid out and its DOT, kept for `draw` and then `paint` of the same text (only one:
        # Graphviz 2.43 crashes painting one of several kept graphs).
        self._kept: tuple[str, int] | None = None
        self._messages: list[str] = []
        self._callbacks: list[Any] = [
            _OPEN(lambda g, disc: 1),
            _MAP(self._map),
            _ALLOC(lambda state, objtype, wanted: 0),
            _FREE(lambda state, objtype, ident: None),
            _PRINT(self._print),
            _CLOSE(lambda state: None),
            _REGISTER(lambda state, objtype, obj: None),
        ]
        self._iddisc = _IdDisc(*self._callbacks)
        self._errf = _ERRF(self._error)
        self._declare()
        self._context = self._gvc.gvContext()
        if not self._context:
            raise GraphvizError("gvContext() failed")
        self.version = (self._gvc.gvcVersion(self._context) or b"").decode("ascii", "replace")
        major = version_of(self.version)[:1]
        if not major or major[0] not in SUPPORTED_MAJOR:
            raise GraphvizUnsupported(f"Graphviz {self.version or '(版本未知)'}：进程内绘图只支持 2.x–8.x")
        try:
            mem = ctypes.c_char.in_dll(self._cg, "AgMemDisc")
            io = ctypes.c_char.in_dll(self._cg, "AgIoDisc")
        except ValueError as exc:  # a build without them, whatever its version says
            raise GraphvizUnsupported(f"Graphviz {self.version}：{exc}") from None
        self._disc = _Disc(ctypes.addressof(mem), ctypes.pointer(self._iddisc), ctypes.addressof(io))
        self._cg.agseterrf(self._errf)

    def _declare(self) -> None:
        """The C signatures called: pointers declared as such, so that ctypes does not cut them to an int."""
        p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        for lib, name, restype, argtypes in (
            (self._cg, "agread", p, [p, ctypes.POINTER(_Disc)]),
            (self._cg, "agclose", i, [p]),
            (self._cg, "agseterrf", p, [_ERRF]),
            (self._cg, "agreadline", i, [i]),
            (self._cg, "agget", s, [p, s]),
            (self._cg, "agsafeset", i, [p, s, s, s]),
            (self._libc, "fmemopen", p, [s, ctypes.c_size_t, s]),
            (self._libc, "fclose", i, [p]),
            (self._gvc, "gvContext", p, []),
            (self._gvc, "gvcVersion", s, [p]),
            (self._gvc, "gvLayout", i, [p, p, s]),
            (self._gvc, "gvFreeLayout", i, [p, p]),
            (self._gvc, "gvRenderData", i, [p, p, s, ctypes.POINTER(p), ctypes.POINTER(ctypes.c_uint)]),
            (self._gvc, "gvFreeRenderData", i, [p]),
            (self._gvc, "gvRenderContext", i, [p, p, s, p]),
        ):
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes

    # the id discipline: names numbered in the order they are first seen (even), anonymous objects odd
    def _map(self, state: int, objtype: int, name: bytes | None, ident: Any, create: int) -> int:
        if name is None:
            self._counter += 1
            ident[0] = 2 * self._counter + 1
            return 1
        known = self._names.get(name)
        if known is None:
            if not create:
                return 0
            self._counter += 1
            known = 2 * self._counter
            self._names[name] = known
            buffer = self._buffers[known] = ctypes.create_string_buffer(name)
            self._addresses[known] = ctypes.addressof(buffer)
        ident[0] = known
        return 1

    def _print(self, state: int, objtype: int, ident: int) -> int | None:
        return self._addresses.get(ident)

    def _error(self, message: bytes | None) -> int:
        if message:
            self._messages.append(message.decode("utf-8", "replace"))
        return 0

    def _read(self, dot: str) -> int:
        """The graph read and laid out (or the one kept, if it is this text's)."""
        if self._kept is not None and self._kept[0] == dot:
            return self._kept[1]
        self.forget()
        self._names.clear()
        self._messages.clear()
        data = dot.encode("utf-8")
        self._cg.agreadline(0)  # line numbers in messages count from this graph's start
        stream = self._libc.fmemopen(data, len(data), b"r")
        if not stream:
            raise GraphvizError("fmemopen failed")
        try:
            graph = self._cg.agread(stream, ctypes.byref(self._disc))
        finally:
            self._libc.fclose(stream)
        if not graph:
            self._buffers.clear()
            self._addresses.clear()
            raise GraphvizError(self._problems() or "could not read the graph")
        if self._gvc.gvLayout(self._context, graph, b"dot") != 0 or self._problems():
            # An error in a label is not fatal to Graphviz: it draws the node's name instead.
            problem = self._problems() or "layout failed"
            self._close(graph)
            raise GraphvizError(problem)
        self._kept = (dot, graph)
        return int(graph)

    def forget(self) -> None:
        """Close the graph kept."""
        if self._kept is not None:
            self._close(self._kept[1])
            self._kept = None

    def _close(self, graph: int) -> None:
        self._gvc.gvFreeLayout(self._context, graph)
        self._cg.agclose(graph)
        self._buffers.clear()  # the names of the one graph there was
        self._addresses.clear()

    def draw(self, dot: str, formats: tuple[str, ...]) -> dict[str, bytes]:
        """The graph in each format (Graphviz output format names: svg, png, pdf …)."""
        graph = self._read(dot)
        out: dict[str, bytes] = {}
        for fmt in formats:
            self._messages.clear()
            buffer, length = ctypes.c_void_p(), ctypes.c_uint()
            status = self._gvc.gvRenderData(
                self._context, graph, fmt.encode(), ctypes.byref(buffer), ctypes.byref(length)
            )
            if status != 0 or not buffer:
                raise GraphvizError(self._problems() or f"could not render {fmt}")
            out[fmt] = ctypes.string_at(buffer, length.value)
            self._gvc.gvFreeRenderData(buffer)
        return out

    def paint(self, dot: str, context: int) -> None:
        """Draw the graph onto a cairo context (`cairo_t *`, as an address) at its origin, 1 pt a unit, by
        Graphviz's own cairo renderer (the pango plugin: text through Pango and fontconfig). The device is
        `eps:cairo` because that is the cairo device whose page end neither writes nor finishes the target
        (Graphviz 2.x to 8.x: it only reads an image surface's data, and warns on any other surface)."""
        graph = self._read(dot)
        self._messages.clear()
        if not self._cg.agget(graph, b"margin"):  # else the eps device's own margin (36 pt): not where SVG draws
            self._cg.agsafeset(graph, b"margin", b"0", b"")
        if self._gvc.gvRenderContext(self._context, graph, b"eps:cairo", context) != 0 or self._problems():
            raise GraphvizError(self._problems() or "could not paint the graph")

    def _problems(self) -> str:
        """Graphviz's messages other than warnings, as one line (it reports in several pieces)."""
        lines = "".join(self._messages).splitlines()
        kept, skipping = [], False
        for line in lines:
            if line.startswith("Warning"):
                skipping = True
            elif line.startswith("Error"):
                skipping = False
            if not skipping and line.strip():
                kept.append(line.strip())
        return " ".join(kept)
