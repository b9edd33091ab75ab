"""`powerctl laws …`: index a law corpus, check a citation, show a law or an article, search the texts."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from powerctl.cli._common import fail, parse_day

if TYPE_CHECKING:
    from powerctl.laws.resolve import LawResolver

app = typer.Typer(help="法律法规库：建立文本索引、核对引用、查看条文、全文检索。", no_args_is_help=True)


def _resolver(today: date) -> LawResolver:
    from powerctl.catalogue.config import ConfigError, find_root, load_config
    from powerctl.laws.index import LawIndexError
    from powerctl.laws.resolve import open_resolver

    try:
        config = load_config(find_root(Path.cwd()))
        resolver, local = open_resolver(config.root, config.law_paths, today)
    except (ConfigError, LawIndexError) as exc:
        raise fail(str(exc)) from None
    for _, problem in local.problems:
        where = f"{problem.span.file}:{problem.span.line}:{problem.span.column}"
        sys.stderr.write(f"{where}: {problem.message}（已跳过）\n")
    return resolver


@app.command("index", help="把 LawRefBook 格式的法律文本库读入本地索引（SQLite，含全文检索）。")
def index_command(
    corpus: Annotated[Path, typer.Argument(help="法律文本库目录（LawRefBook 格式）")],
    db: Annotated[
        Path | None, typer.Option("--db", help="索引文件位置；默认 $XDG_CACHE_HOME/powerctl/laws.sqlite3")
    ] = None,
) -> None:
    from rich.progress import Progress

    from powerctl.laws.index import LawIndexError, build_index, default_db_path

    target = db or default_db_path()
    if not corpus.is_dir():
        raise fail(f"目录不存在：{corpus}")
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("建立索引", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            stats = build_index(corpus, target, step)
    except LawIndexError as exc:
        raise fail(str(exc)) from None
    sys.stdout.write(
        f"已建立索引 {target}：{stats.laws} 部法律法规、{stats.versions} 个版本、{stats.articles} 条，"
        f"用时 {stats.seconds:.1f} 秒\n"
    )
    for file, reason in stats.skipped[:20]:
        sys.stdout.write(f"  跳过 {file}：{reason}\n")
    if len(stats.skipped) > 20:
        sys.stdout.write(f"  …… 另有 {len(stats.skipped) - 20} 个文件跳过\n")


@app.command("check", help="核对一条引用，如 “《中华人民共和国行政许可法》第十二条”：有效返回 0，无效或查不到返回 1。")
def check_command(
    citation: Annotated[str, typer.Argument(help="《法律名称》第N条")],
    quote: Annotated[str | None, typer.Option("--quote", help="同时核对这段引文")] = None,
    today: Annotated[str | None, typer.Option("--today", help="按这一天判断是否有效（YYYY-MM-DD）")] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help="职权类别（行政处罚、行政许可、行政强制）：同时看条文是否写了这类职权"),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="职权名称：同时看条文是否写了职权所说的行为（与 --category 一起用）")
    ] = None,
) -> None:
    from powerctl.laws.citation import parse_citation_text

    parsed = parse_citation_text(citation)
    if parsed is None:
        raise fail(f"无法识别的引用「{citation}」：写成 《法律名称》第N条")
    resolver = _resolver(parse_day(today))
    problems = resolver.check(parsed.law, parsed.article_text or None, quote)
    found = resolver.resolve(parsed.law)
    if found is not None:
        law = found.law
        where = f"，{parsed.article.label()}" if parsed.article else ""
        sys.stdout.write(f"《{law.name}》（{law.level}，{law.status}；来源：{found.source}）{where}\n")
    for p in problems:
        sys.stdout.write(f"{p.code} {p.message}\n  提示：{p.hint}\n")
    if category is not None or name is not None:
        if category is None or name is None:
            raise fail("--category 与 --name 要一起给出，例如 --category 行政处罚 --name 对盗伐林木的处罚")
        if resolver.index is None:
            sys.stdout.write("注意：没有建立法律文本索引，条文内容未核对（运行 powerctl laws index 建立）\n")
        fit = resolver.article_fit(parsed.law, parsed.article_text or None, category, name)
        if fit is not None:
            sys.stdout.write(f"B109 职权「{name}」：{fit.message}\n  提示：{fit.hint}\n")
            raise typer.Exit(1)
    if problems:
        raise typer.Exit(1)
    if resolver.parts_unchecked(parsed.law, parsed.article_text or None):
        sys.stdout.write("注意：法规文本索引中没有这一条的现行文本，只核对了条号，款、项未核对\n")
    sys.stdout.write("有效\n")


@app.command("show", help="显示一部法律法规的信息；给出条款时显示条文（需要已建立索引）。")
def show_command(
    name: Annotated[str, typer.Argument(help="法律法规名称")],
    article: Annotated[str | None, typer.Argument(help="条款，如 第十二条")] = None,
) -> None:
    from powerctl.laws.citation import parse_article

    resolver = _resolver(date.today())
    found = resolver.resolve(name)
    if found is None:
        raise fail(f"未找到《{name}》：已查 " + "、".join(resolver.searched()), 1)
    law = found.law
    lines = [
        f"名称：{law.name}",
        f"简称：{'、'.join(law.short) or '—'}",
        f"效力层级：{law.level or '—'}",
        f"制定机关：{law.issued_by or '—'}",
        f"公布：{law.promulgated or '—'}　施行：{law.effective or '—'}",
        f"修改：{'、'.join(law.amended) or '—'}",
        f"状态：{law.status}" + (f"（{law.repealed} 废止）" if law.repealed else ""),
        f"条数：{law.articles if law.articles is not None else '—'}",
        f"来源：{found.source}",
    ]
    if law.replaced_by:
        lines.append(f"取代它的法律：{law.replaced_by}")
    sys.stdout.write("\n".join(lines) + "\n")
    if article is None:
        return
    ref = parse_article(article)
    if ref is None:
        raise fail(f"无法识别的条款「{article}」")
    if resolver.index is None or found.indexed is None:
        raise fail("没有该法的文本：先运行 powerctl laws index 法律文本库目录", 1)
    text = resolver.index.article(found.indexed.title, ref.number, suffix=ref.suffix)
    if text is None:
        raise fail(f"《{law.name}》没有{ref.label()}", 1)
    sys.stdout.write(f"\n{text}\n")


@app.command("search", help="在已索引的法律条文中全文检索。")
def search_command(
    words: Annotated[list[str], typer.Argument(help="检索词（多个词须同时出现）")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="最多显示条数")] = 20,
) -> None:
    from powerctl.laws.citation import ArticleRef

    resolver = _resolver(date.today())
    if resolver.index is None:
        raise fail("还没有法律文本索引：先运行 powerctl laws index 法律文本库目录")
    hits = resolver.index.search(" ".join(words), limit=limit)
    if not hits:
        sys.stdout.write("没有找到\n")
        raise typer.Exit(1)
    for hit in hits:
        label = ArticleRef(hit.number, hit.suffix).label()
        sys.stdout.write(f"《{hit.title}》{label}：{hit.snippet}\n")
