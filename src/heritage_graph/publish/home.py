"""The home page of a release: the dumps to download, the counts and the chart."""

from __future__ import annotations

from .. import web
from .release import Release


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def write_home(ctx: Release) -> None:
    downloads = [
        {"format": d["format"], "name": d["name"], "href": f"dumps/{d['name']}", "media_type": d["media_type"],
         "size": _size(d["bytes"]), "gz_name": d["gz_name"], "gz_href": f"dumps/{d['gz_name']}",
         "gz_size": _size(d["gz_bytes"])}
        for d in ctx.dumps
    ]
    stats = {"triples": ctx.stats.triples, "resources": len(ctx.data.data_typed), "version": ctx.version,
             "date": ctx.date}
    html = web.render_home(ctx.store, root="", data=ctx.data, downloads=downloads, stats=stats,
                            chart=ctx.chart or "")
    ctx.write("index.html", html)
