"""The county folder (`全县/`) beside the units' bundles of a run that covers several units.

It holds the county's index site (``site/index.html``: every power of every unit of the audience, searched
across units, each linking to its unit's site), the county workbook (``一表/``: a summary sheet with a native
chart, then a sheet per unit), the 清理情况统计 report (DOCX, with the charts as pictures) and manifest.json.
Built as a unit is: in a stage folder renamed into place at the end (a failed build leaves the previous folder
as it was), recorded with a key made of the units' keys, and kept when that key and its files are unchanged.
The audience rules are the units': a public county folder is made from the public powers only (`UnitDocs`),
with nothing of risks or records.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

from powerctl.bundle import folders, manifest, rebuild
from powerctl.bundle.build import BundleError
from powerctl.catalogue.model import Unit
from powerctl.documents import county_office
from powerctl.documents.context import AUDIENCE_ZH, UnitDocs, audience_powers
from powerctl.documents.county import FOLDER, CountyDocs, county_name
from powerctl.documents.county import write_site as write_county_site
from powerctl.domain.operation import UnitOperation
from powerctl.laws.resolve import LawResolver
from powerctl.source.oserror import describe

WORKBOOK = "一表/全县行政权力目录.xlsx"
REPORT = "清理情况统计.docx"


@dataclass(frozen=True)
class CountyRequest:
    units: tuple[Unit, ...]
    out: Path  # the audience's folder: the units' bundles are out/<unit id>/, the county's out/全县/
    audience: str
    laws: LawResolver
    source_commit: str | None = None
    key: str | None = None  # `rebuild.county_key`: the build is recorded, and a current folder kept
    operations: Mapping[str, UnitOperation] = field(default_factory=dict)  # internal: the units' records counted
    reuse: bool = True  # False (--force): built again, and recorded
    publish: bool = True  # False: the stage is left for `publish` (once every unit it lists is published)
    duties: str = "auto"  # `Config.duties`: the 责任事项 and 追责情形 columns of the units' sheets


@dataclass(frozen=True)
class CountyResult:
    name: str
    folder: Path
    files: int
    units: int
    powers: int
    kept: bool = False
    stage: Path | None = None  # built, not yet published (`CountyRequest.publish` False)
    files_made: dict[str, list[int]] = field(default_factory=dict)  # the stage's snapshot, for the record
    key: str | None = None
    digest: str = ""  # the stage's manifest's SHA-256, for the record


def county_docs(request: CountyRequest) -> CountyDocs:
    units = tuple(
        UnitDocs(u, audience_powers(u, request.audience), request.audience, request.laws, {}, request.duties)
        for u in sorted(request.units, key=lambda u: u.id)
    )
    operations = dict(request.operations) if request.audience == "internal" else {}
    return CountyDocs(county_name([u.name for u in request.units]), request.audience, units, operations)


def build_county(request: CountyRequest) -> CountyResult:
    """Build ``out/全县/`` (or keep it, when it is the folder of the request's key, untouched); raise BundleError
    naming what failed. Without `publish` in the request the folder is built but left in its stage, for
    `publish` to put in place once every unit it lists is published (or `discard` when one is not)."""
    out = request.out
    county = county_docs(request)
    powers = sum(len(d.powers) for d in county.units)
    out.mkdir(parents=True, exist_ok=True)
    folders.clear_leftovers(out, FOLDER)
    found = rebuild.current(out, FOLDER, request.key) if request.key is not None and request.reuse else None
    if request.key is not None and found is not None:
        files = found[0]
        try:
            restamped = manifest.restamp(out / FOLDER, request.source_commit)
            if restamped is not None:
                stat, digest = restamped
                rebuild.record(out, FOLDER, request.key, {**files, "manifest.json": stat}, None, digest)
        except OSError as exc:
            raise BundleError(f"全县汇总无法更新：{describe(exc)}") from exc
        except ValueError as exc:
            raise BundleError(f"全县汇总无法更新：{exc}") from exc
        return CountyResult(county.name, out / FOLDER, len(files), len(county.units), powers, kept=True)
    label = AUDIENCE_ZH.get(request.audience, request.audience)
    try:
        folders.refuse_foreign(out / FOLDER)
        stage = folders.make_stage(out, FOLDER)
    except folders.Foreign as exc:
        raise BundleError(str(exc)) from None
    except OSError as exc:
        raise BundleError(f"全县汇总（{label}）生成失败：{describe(exc)}") from None
    try:
        write_county_site(county, stage / "site")
        (stage / "一表").mkdir()
        (stage / WORKBOOK).write_bytes(county_office.workbook_bytes(county))
        (stage / REPORT).write_bytes(county_office.report_bytes(county))
        head = {
            "county": county.name,
            "audience": request.audience,
            "units": [d.unit.id for d in county.units],
            "source_commit": request.source_commit,
        }
        manifest.write_manifest(stage, head, set(), {}, {})
        files = rebuild.snapshot(stage)
        digest = rebuild.sha256(stage / "manifest.json")
    except Exception as exc:
        folders.discard(stage)
        why = describe(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        raise BundleError(f"全县汇总（{label}）生成失败：{why}") from exc
    except BaseException:
        folders.discard(stage)
        raise
    made = CountyResult(
        county.name, out / FOLDER, len(files), len(county.units), powers,
        stage=stage, files_made=files, key=request.key, digest=digest,
    )  # fmt: skip
    return publish(made) if request.publish else made


def publish(made: CountyResult) -> CountyResult:
    """A county folder built by `build_county` put in place, and recorded; BundleError if it cannot be."""
    if made.stage is None:
        return made  # kept, or already published
    out = made.folder.parent
    try:
        folders.publish(made.stage, made.folder)
    except folders.Foreign as exc:
        folders.discard(made.stage)
        raise BundleError(str(exc)) from None
    except OSError as exc:
        folders.discard(made.stage)
        raise BundleError(f"全县汇总无法发布：{describe(exc)}") from exc
    if made.key is not None:
        with suppress(OSError):  # without a record the county is simply built again next time
            rebuild.record(out, FOLDER, made.key, made.files_made, None, made.digest)
    return replace(made, stage=None)


def discard(made: CountyResult) -> None:
    """A county folder built but not to be published (a unit it lists was not): its stage removed."""
    if made.stage is not None:
        folders.discard(made.stage)


def build_county_in_worker(request: CountyRequest) -> CountyResult:
    """`build_county` as a task of a worker process (`Renderer.call`), beside the units' builds."""
    folders.work_for_parent()
    return build_county(request)
