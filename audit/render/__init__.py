"""Renderers: each turns a Report into one format; none of them changes it."""

from __future__ import annotations

from collections.abc import Callable

from audit.model import Report

FORMATS = ("text", "json", "md", "html", "csv", "sarif", "junit", "jsonl")


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    renderer: Callable[..., str]
    if fmt == "json":
        from audit.render.json_ import render_json as renderer
    elif fmt == "md":
        from audit.render.markdown import render_markdown as renderer
    elif fmt == "html":
        from audit.render.html import render_html as renderer
    elif fmt == "csv":
        from audit.render.csv_ import render_csv as renderer
    elif fmt == "sarif":
        from audit.render.sarif import render_sarif as renderer
    elif fmt == "junit":
        from audit.render.junit import render_junit as renderer
    elif fmt == "jsonl":
        from audit.render.jsonl import render_jsonl as renderer
    elif fmt == "text":
        from audit.render.text import render_text

        return render_text(report, color=color)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return renderer(report)
