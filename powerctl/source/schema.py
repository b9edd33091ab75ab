"""JSON Schema validation of loaded data, every violation placed at its YAML node.

The raw jsonschema messages are rewritten in words a clerk understands, using the
Chinese ``title`` of the field from the schema itself; ``anyOf`` noise is reduced to
the best-matching branch.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from powerctl.resources import SCHEMAS
from powerctl.source.load import Document, LoadProblem, typo_problem
from powerctl.source.repair import Repairer, is_limit
from powerctl.source.span import Path

SCHEMA_DIR = SCHEMAS
CATALOGUE_SCHEMA = "catalogue.schema.json"
# A file may hold several typing mistakes; each round corrects those the schema errors of the last one show.
MAX_REPAIR_ROUNDS = 20
CONFIG_SCHEMA = "config.schema.json"
LAWS_SCHEMA = "laws.schema.json"
RECORDS_SCHEMA = "records.schema.json"

_TYPE_ZH = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "true（是）或 false（否）",
    "array": "列表",
    "object": "映射（键: 值）",
    "null": "空值",
}

# GB 32100-2015: the unified social credit code alphabet and weights.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_valid(code: str) -> bool:
    """Whether an 18-character unified social credit code has a correct check character."""
    if len(code) != 18 or any(ch not in _USCC_ALPHABET for ch in code):
        return False
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


FORMAT_CHECKER = FormatChecker(formats=("date",))


@FORMAT_CHECKER.checks("unified-social-credit-code")
def _check_credit_code(value: object) -> bool:
    return not isinstance(value, str) or credit_code_valid(value)


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def enum_values(definition: str) -> tuple[str, ...]:
    """The values the catalogue schema allows for one of its definitions (category, status, scope, timeUnit),
    in the schema's order: the one list every command uses."""
    return tuple(str(v) for v in load_schema(CATALOGUE_SCHEMA)["$defs"][definition]["enum"])


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _short(value: Any, limit: int = 30) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class SchemaChecker:
    """A compiled validator for one schema, with the titles needed to explain its errors."""

    schema: Mapping[str, Any]

    @classmethod
    def for_catalogues(cls, extra_categories: Sequence[str] = ()) -> SchemaChecker:
        schema = load_schema(CATALOGUE_SCHEMA)
        if extra_categories:
            schema = json.loads(json.dumps(schema))
            enum = schema["$defs"]["category"]["enum"]
            enum.extend(c for c in extra_categories if c not in enum)
        return cls(schema)

    @classmethod
    def named(cls, name: str) -> SchemaChecker:
        return cls(load_schema(name))

    @property
    def validator(self) -> Draft202012Validator:
        v = self.__dict__.get("_validator")
        if v is None:
            v = Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER)
            object.__setattr__(self, "_validator", v)
        return v

    def quick_valid(self, data: Any) -> bool:
        """jsonschema-rs's yes: valid data is the common case (a catalogue file, or one of a county's 10^6
        records entries, at 1–2 µs each), and only failing data needs jsonschema's full list of errors with
        paths. tests/test_schema_cache.py checks that the two agree on every case and example file."""
        fast = self.__dict__.get("_fast")
        if fast is None:
            fast = jsonschema_rs.validator_for(
                dict(self.schema),
                validate_formats=True,
                formats={"unified-social-credit-code": _check_credit_code},  # its own `date`: RFC 3339 full-date
            )
            object.__setattr__(self, "_fast", fast)
        return bool(fast.is_valid(data))

    def check(self, doc: Document) -> list[LoadProblem]:
        if doc.data is None and not doc.text.strip():
            return [LoadProblem("E003", doc.span(()), "文件为空", "文件应以 `schema: powerctl/catalogue@1` 开头")]
        if not isinstance(doc.data, dict):
            found = _TYPE_ZH[_json_type(doc.data)]
            return [
                LoadProblem(
                    "E003",
                    doc.span(()),
                    f"文件顶层应为映射（schema、unit、powers 等键），实际是{found}",
                    "参照示例目录，以 `schema: powerctl/catalogue@1` 开头",
                )
            ]
        if self.quick_valid(doc.data):
            return []
        problems = self._repair(doc)
        if problems and self.quick_valid(doc.data):
            return problems
        seen: set[tuple[Path, str]] = set()
        for error in self._errors(self.validator.iter_errors(doc.data)):
            problem = self._explain(doc, error)
            key = (problem.path, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
        return problems

    def problems(self, doc: Document) -> list[LoadProblem]:
        """Every violation of already-loaded data, explained at its place, without typing repairs (records:
        an entry is checked on its own against its section's schema)."""
        if self.quick_valid(doc.data):
            return []
        seen: set[tuple[Path, str]] = set()
        out = []
        for error in self._errors(self.validator.iter_errors(doc.data)):
            problem = self._explain(doc, error)
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                out.append(problem)
        return out

    def section(self, name: str) -> SchemaChecker:
        """The checker of one definition of this schema (e.g. `case` of the records schema)."""
        keep = {k: v for k, v in self.schema.items() if k in ("$schema", "$defs")}
        return type(self)({**keep, "$ref": f"#/$defs/{name}"})

    def _repair(self, doc: Document) -> list[LoadProblem]:
        """Typing mistakes behind schema errors, named; doc.data then holds what was meant."""
        repairer = Repairer(doc, self.title, lambda path: self.field_schema(path)[1])
        for _ in range(MAX_REPAIR_ROUNDS):
            if not any([repairer.attempt(e) for e in self._errors(self.validator.iter_errors(repairer.data))]):
                break
        if not repairer.repairs:
            return []
        doc.data = repairer.data
        return [typo_problem(doc.file, r.typo, r.code, r.path, repaired=True) for r in repairer.repairs]

    def _errors(self, errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
        for error in errors:
            if error.validator in ("anyOf", "oneOf") and error.context:
                best = best_match(error.context)
                yield from self._errors([best])
            else:
                yield error

    # -- titles -----------------------------------------------------------------------------
    def _resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                break
            target: Any = self.schema
            for part in ref[2:].split("/"):
                target = target[part]
            node = target
            seen += 1
        return node

    def field_schema(self, path: Path) -> tuple[str | None, Mapping[str, Any]]:
        """The title and the resolved schema of the value at path (title from the property)."""
        node: Mapping[str, Any] = self.schema
        title: str | None = node.get("title")
        for part in path:
            node = self._resolve(node)
            child: Mapping[str, Any] | None = None
            if isinstance(part, int):
                items = node.get("items")
                child = items if isinstance(items, dict) else None
            else:
                child = node.get("properties", {}).get(part)
                if child is None:
                    for branch in node.get("anyOf", []) + node.get("oneOf", []):
                        child = self._resolve(branch).get("properties", {}).get(part)
                        if child is not None:
                            break
            if child is None:
                return title, {}
            if isinstance(part, str) or "title" in child:
                title = child.get("title") or self._resolve(child).get("title") or title
            node = child
        return title, self._resolve(node)

    def power_field(self, dotted: str) -> str:
        """A power's field in words: 承诺时限（time_limit.promised）."""
        title, _ = self.field_schema(("powers", 0, *dotted.split(".")))
        return f"{title}（{dotted}）" if title else dotted

    def title(self, path: Path) -> str:
        title, _ = self.field_schema(path)
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        if title and name and title != name:
            return f"{title}（{name}）"
        return title or name or "文件"

    # -- messages ---------------------------------------------------------------------------
    def _explain(self, doc: Document, error: ValidationError) -> LoadProblem:
        path: Path = tuple(error.absolute_path)
        kind = str(error.validator)
        value: Any = error.instance
        bound: Any = error.validator_value
        title = self.title(path)
        span = doc.span(path)
        hint = ""
        _, sub = self.field_schema(path)
        description = sub.get("description") or ""

        if kind == "required":
            missing = str(error.message).split("'")[1] if "'" in error.message else str(error.message)
            ftitle, fschema = self.field_schema((*path, missing))
            label = f"{ftitle}（{missing}）" if ftitle else missing
            message = f"缺少必填字段「{label}」"
            hint = f"在{title}中添加 `{missing}:`。" + (fschema.get("description") or "")
            span = doc.key_span(path)
            # For the unit and a power, the path names the absent field: the object is not a rejected value,
            # and the model keeps what it can of it (a power without fee is still checked for its legal
            # basis). Any other object without a required field is left out, as a rejected value.
            whole = path == ("unit",) or (len(path) == 2 and path[0] == "powers" and isinstance(path[1], int))
            return LoadProblem("E003", span, message, hint, (*path, missing) if whole else path)
        if kind == "additionalProperties":
            allowed = list(sub.get("properties", {}))
            extras = [k for k in value if k not in allowed and not str(k).startswith("x-")]
            extra = extras[0] if extras else "?"
            close = difflib.get_close_matches(str(extra), allowed, n=1)
            message = f"{title}中出现未知字段「{extra}」"
            hint = f"是否应为「{close[0]}」？" if close else "可用字段：" + "、".join(allowed)
            hint += " 自定义字段请以 x- 开头。"
            epath = (*path, extra)
            return LoadProblem("E003", doc.key_span(epath), message, hint, epath)
        if kind in ("type", "const") and is_limit(sub) and not isinstance(value, int | bool):
            got = _TYPE_ZH[_json_type(value)]
            message = f"{title}应为天数、即办或 null（原表的“/”），实际是{got}「{_short(value)}」"
            hint = "写天数（如 20，不带单位）；当场办结写 即办；没有时限写 null。" + (
                "承诺时限写 null 表示以法定时限为承诺。" if path[-1:] == ("promised",) else ""
            )
            return LoadProblem("E003", span, message, hint, path)
        if kind == "type":
            names: list[str] = [str(n) for n in bound] if isinstance(bound, list) else [str(bound)]
            want = "或".join(_TYPE_ZH.get(n, n) for n in names)
            got = _TYPE_ZH[_json_type(value)]
            gap = " " if want[:1].isascii() else ""
            message = f"{title}应为{gap}{want}，实际是{got}「{_short(value)}」"
            source = doc.plain_numbers.get(path)
            if "string" in names and source is not None:
                key = path[-1] if path and isinstance(path[-1], str) else "值"
                message = f"{title}应为文本，但「{source}」被读成了数字"
                hint = f'请加引号，写成 {key}: "{source}"（不加引号时开头的 0 会丢失）'
            elif "string" in names and isinstance(value, bool):
                hint = "YAML 把 true/false 读作是/否：作为文字时请加引号"
            else:
                hint = description
            return LoadProblem("E003", span, message, hint, path)
        if kind == "enum":
            options = [str(o) for o in bound]
            close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
            message = f"{title}的值「{_short(value)}」不在允许范围内"
            hint = (f"是否应为「{close[0]}」？" if close else "") + "可选：" + "、".join(options)
            return LoadProblem("E003", span, message, hint, path)
        if kind == "const":
            message = f"{title}应为「{bound}」，实际是「{_short(value)}」"
            return LoadProblem("E003", span, message, description, path)
        if kind == "pattern":
            message = f"{title}「{_short(value)}」格式不正确"
            hint = description or f"应符合正则表达式 {bound}"
            return LoadProblem("E003", span, message, hint, path)
        if kind == "format":
            fmt = bound
            if fmt == "date":
                message = f"{title}「{_short(value)}」不是有效日期"
                hint = "日期写成 YYYY-MM-DD，例如 2026-03-02"
            elif fmt == "unified-social-credit-code":
                message = f"{title}「{_short(value)}」校验位不正确"
                hint = "核对统一社会信用代码（GB 32100—2015），第 18 位是校验码"
            else:
                message = f"{title}「{_short(value)}」不符合格式 {fmt}"
                hint = description
            return LoadProblem("E003", span, message, hint, path)
        bounds = {
            "minimum": f"不能小于 {bound}",
            "exclusiveMinimum": f"必须大于 {bound}",
            "maximum": f"不能大于 {bound}",
            "minLength": "不能为空" if bound == 1 else f"至少 {bound} 个字",
            "maxLength": f"不能超过 {bound} 个字",
            "minItems": "不能为空列表" if bound == 1 else f"至少 {bound} 项",
            "maxItems": f"最多 {bound} 项",
            "uniqueItems": "中有重复项",
        }
        if kind in bounds:
            sep = "" if kind == "uniqueItems" else " "
            message = f"{title}{sep}{bounds[kind]}（当前为「{_short(value)}」）"
            return LoadProblem("E003", span, message, description, path)
        if kind in ("if", "then", "else", "not", "dependentRequired"):
            return LoadProblem("E003", span, f"{title}不符合要求", description, path)
        return LoadProblem("E003", span, f"{title}不符合要求：{error.message}", description, path)
