"""JUnit XML: one test suite per file, one failing test case per finding (a clean file passes)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from powerctl.check.report import Finding, Report


def render(report: Report, color: bool = False) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.sorted():
        by_file[f.file].append(f)
    suites = ET.Element("testsuites", name="powerctl", tests=str(max(1, len(report.findings))))
    failures = 0
    for file in sorted(by_file) or ["powerctl"]:
        items = by_file.get(file, [])
        suite = ET.SubElement(suites, "testsuite", name=file, tests=str(max(1, len(items))))
        suite.set("failures", str(len(items)))
        if not items:
            ET.SubElement(suite, "testcase", name="validate", classname="powerctl")
        for f in items:
            failures += 1
            case = ET.SubElement(suite, "testcase", name=f"{f.rule} {f.file}:{f.line}:{f.column}", classname=f.rule)
            failure = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            failure.text = f"{f.file}:{f.line}:{f.column} {f.rule} {f.name}\n{f.message}\n提示：{f.hint}"
    suites.set("failures", str(failures))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
