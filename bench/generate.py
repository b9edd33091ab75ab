"""Generate a realistic synthetic catalogue set: N units × M powers, valid, with Chinese text.

    python bench/generate.py OUT_DIR [--units N] [--powers M]

Each unit is the example city bureau (catalogues/.../lsj-cgj.yaml) with its powers repeated under
new ids, codes and names until it has M powers, so every file passes every rule.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "catalogues" / "hunan" / "loudi" / "lengshuijiang" / "lsj-cgj.yaml"


def unit(template: dict[str, Any], number: int, powers: int) -> dict[str, Any]:
    data = copy.deepcopy(template)
    uid = f"bench-{number:04d}"
    data["unit"]["id"] = uid
    data["unit"]["name"] = f"第{number}号县城市管理局"
    base = template["powers"]
    out = []
    for i in range(powers):
        p = copy.deepcopy(base[i % len(base)])
        p["id"] = f"{p['id']}-{i:04d}"
        p["name"] = f"{p['name']}（第{i + 1}项）"
        if "code" in p:
            p["code"] = f"{p['code']}-{i:04d}"
        p.pop("parent", None)
        out.append(p)
    data["powers"] = out
    data.pop("changes", None)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--powers", type=int, default=50)
    args = parser.parse_args()
    template = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(args.units):
        data = unit(template, n, args.powers)
        text = "# yaml-language-server: $schema=../schemas/catalogue.schema.json\n"
        text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
        path = args.out / f"{data['unit']['id']}.yaml"
        path.write_text(text, encoding="utf-8")
        total += path.stat().st_size
    print(f"{args.units} units × {args.powers} powers, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
