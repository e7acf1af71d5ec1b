"""``audit.md`` and ``audit.html`` from the document's sections. The HTML is self-contained: inline CSS and
SVG, no script, nothing fetched, every value escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from judgeprobe.harness.audit.document import Section

__all__ = ["render_html", "render_markdown"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
p{line-height:1.4}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.warn{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem;margin:.3rem 0}
.plots{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#666;font-size:.9rem}
"""


def _md_text(text: str) -> str:
    """Text for ``audit.md`` with ``&``, ``<`` and ``>`` as entities: the values come from results files (a
    team's response, a judge's explanation), and a markdown viewer renders raw HTML."""
    return escape(str(text), quote=False)


def _md_cell(text: str) -> str:
    return " ".join(_md_text(text).split()).replace("|", "\\|") or " "


def render_markdown(sections: Sequence[Section]) -> str:
    """``audit.md``."""
    out = ["# judgeprobe audit", ""]
    for s in sections:
        out += [f"## {_md_text(s.title)}", ""]
        out += [f"> {_md_text(w)}\n" for w in s.warnings]
        out += [f"{_md_text(t)}\n" for t in s.text]
        for table in s.tables:
            if not table.rows:
                out += ["(none)", ""]
                continue
            out.append("| " + " | ".join(_md_cell(h) for h in table.header) + " |")
            out.append("|" + "---|" * len(table.header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_html(sections: Sequence[Section]) -> str:
    """``audit.html``."""
    parts = ["<h1>judgeprobe audit</h1>"]
    nav = " · ".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in sections)
    parts.append(f'<p class="muted">{nav}</p>')
    for s in sections:
        parts.append(f'<h2 id="{escape(s.id)}">{escape(s.title)}</h2>')
        parts += [f'<p class="warn">{escape(w)}</p>' for w in s.warnings]
        parts += [f"<p>{escape(t)}</p>" for t in s.text]
        if s.plots:
            parts.append('<div class="plots">' + "".join(s.plots) + "</div>")
        for table in s.tables:
            head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>judgeprobe audit</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )
