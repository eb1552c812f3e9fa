"""The per-evidence rows of evidence pages and control pages, built as plain strings.

They are most of the binder's markup (one row per artifact, again under each control that names it). Printed
by Jinja they cost tens of seconds at 20,000 artifacts, mostly its attribute lookups and macro calls. The
markup is the one the templates printed; every value from a sidecar, a file or the register is escaped into
the same entities autoescape writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from trustbinder.binder.links import Links
from trustbinder.binder.previews import Preview
from trustbinder.model.exports import Table
from trustbinder.slots import Slots

if TYPE_CHECKING:
    from trustbinder.binder.pages import Binder
    from trustbinder.model.evidence import Evidence


# Cells of a coverage matrix shown as a status badge rather than as text.
STATUS_WORDS = frozenset(
    {"covered", "not operating", "not covered", "implemented", "in-progress", "planned", "not-applicable"}
)
DEFER_FROM = 8  # a list of IDs this long goes to search as plain text; shorter ones are not worth a marker


def _e(value: object) -> str:
    """`markupsafe.escape` to a plain string, the same entities at a fraction of the cost per call (the
    rows make hundreds of thousands). Every value here is plain text: none is Markup meant to pass through."""
    text = value if type(value) is str else str(value)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
    )


def _a(href: str | None, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>' if href else _e(text)


def _period(item: Evidence) -> str:
    if not item.period_start:
        return ""
    end = item.period_end.isoformat() if item.period_end else ""
    return f"{item.period_start.isoformat()} to {end}"


def evidence_rows(b: Binder, evidence_ids: list[str], links: Links, slots: Slots) -> Markup:
    """One `<tbody>` per item of an evidence page: its facts, then its preview (kept out of search)."""
    out: list[str] = []
    for evidence_id in evidence_ids:
        item = b.visible.evidence[evidence_id]
        href = links.artifact(evidence_id)
        kind = b.kinds[evidence_id]
        size = b.size_label(item.size)
        controls = ", ".join(f'<a href="{_e(links.control(c))}">{_e(c)}</a>' for c in b.evidence_controls[evidence_id])
        query = f"<div><dt>Query</dt><dd>{_e(item.query)}</dd></div>" if item.query else ""
        out.append(
            f'<tbody id="{_e(evidence_id)}">\n'
            f'<tr><th scope="row">{_e(evidence_id)}</th><td>{_e(item.title)}</td><td>{controls}</td>'
            f'<td class="tb-nowrap">{item.collected.isoformat()}</td><td>{_e(_period(item))}</td><td>{_e(kind)}</td>'
            f'<td class="tb-nowrap" title="{item.size} bytes">{size}</td>'
            f'<td><a href="{_e(href)}">{_e(item.artifact.rsplit("/", 1)[-1])}</a></td></tr>\n'
            '<tr class="tb-detail"><td></td><td colspan="7">\n<dl class="tb-facts">\n'
            f"<div><dt>Source</dt><dd>{_e(item.source)}</dd></div>\n"
            f"{query}<div><dt>Owner</dt><dd>{_e(item.owner or 'not given')}</dd></div>\n"
            f'<div><dt>SHA-256</dt><dd><code class="tb-sha">{_e(b.digests.get(evidence_id, ""))}</code></dd></div>\n'
            "</dl>\n"
            f"{slots.defer(_preview(b.preview(evidence_id), item, kind, href, size))}"
            "</td></tr>\n</tbody>\n"
        )
    return Markup("".join(out))


def _preview(p: Preview, item: Evidence, kind: str, href: str | None, size: str) -> str:
    if p.kind == "image":
        shown = f'<img src="{_e(href)}" alt="{_e(item.title)}" loading="lazy">\n'
    elif p.kind == "pdf":
        shown = f'<p><a href="{_e(href)}">Open the PDF</a> ({size})</p>\n'
    elif p.kind == "table" and p.header:
        header = "".join(f'<th scope="col">{_e(h)}</th>' for h in p.header)
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in p.rows)
        about = "about " if p.approximate else ""
        shown = (
            f'<details class="tb-details"><summary>First {len(p.rows)} of {about}{p.total_rows} row(s)</summary>\n'
            f'<div class="tb-table-wrap"><table class="tb-table tb-csv"><thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table></div></details>\n"
        )
    elif p.kind == "code":
        label = "JSON" if kind == "json" else "Text"
        shown = (
            f'<details class="tb-details"><summary>{label}</summary>\n'
            f'<pre class="tb-code"><code>{_e(p.text)}</code></pre></details>\n'
        )
    else:
        shown = ""
    return shown + (f'<p class="tb-note">{_e(p.note)}</p>' if p.note else "")


_CONTROL_EVIDENCE_HEAD = (
    '<div class="tb-table-wrap"><table class="tb-table">\n<thead><tr><th scope="col">Evidence</th>'
    '<th scope="col">Title</th><th scope="col">Collected</th><th scope="col">Period</th><th scope="col">Type</th>'
    '<th scope="col">SHA-256</th></tr></thead>\n<tbody>\n'
)


def control_evidence(b: Binder, evidence_ids: list[str], links: Links, slots: Slots) -> Markup:
    """A control page's evidence table; search reads the same words without the markup."""
    rows: list[str] = [_CONTROL_EVIDENCE_HEAD]
    words: list[str] = []
    for evidence_id in evidence_ids:
        item = b.visible.evidence[evidence_id]
        kind = b.kinds[evidence_id]
        title, period, digest = _e(item.title), _e(_period(item)), _e(b.digests.get(evidence_id, ""))
        collected = item.collected.isoformat()
        rows.append(
            f'<tr><th scope="row">{_a(links.evidence(evidence_id), evidence_id)}</th><td>{title}</td>'
            f"<td>{collected}</td><td>{period}</td><td>{_a(links.artifact(evidence_id), kind)}</td>"
            f'<td><code class="tb-sha">{digest}</code></td></tr>\n'
        )
        words.append(" ".join(filter(None, [_e(evidence_id), title, collected, period, _e(kind), digest])))
    rows.append("</tbody></table></div>")
    return slots.defer("".join(rows), "\n".join(words))


def id_links(links: Links, kind: str, values: list[str], limit: int | None = None, empty: str = "none") -> str:
    """IDs as links, comma-separated, as the `ids` macro prints them."""
    shown = values if limit is None else values[:limit]
    out = ", ".join(_a(links.by_kind(kind, value), value) for value in shown)
    if limit is not None and len(values) > limit:
        out += f" and {len(values) - limit} more"
    if not values and empty:
        out += f'<span class="tb-none">{_e(empty)}</span>'
    return out


def deferred_ids(
    links: Links, slots: Slots, kind: str, values: list[str], limit: int | None = None, empty: str = "none"
) -> Markup:
    """`id_links`, with search reading the bare IDs (the same words) instead of a link per ID."""
    html = id_links(links, kind, values, limit, empty)
    if len(values) < DEFER_FROM:
        return Markup(html)
    shown = values if limit is None else values[:limit]
    stand_in = ", ".join(_e(value) for value in shown)
    if limit is not None and len(values) > limit:
        stand_in += f" and {len(values) - limit} more"
    return slots.defer(html, stand_in)


def _status(value: str) -> str:
    return f'<span class="tb-status tb-status-{_e(value.replace(" ", "-"))}">{_e(value)}</span>'


def coverage_table(t: Table, links: Links, slots: Slots) -> Markup:
    """A coverage matrix as the `table` macro printed it; search reads its cells as plain text."""
    header = "".join(f'<th scope="col">{_e(h)}</th>' for h in t.header)
    wrap = f'<div class="tb-table-wrap"><table class="tb-table" data-table="{_e(t.name)}">\n'
    out = [f"{wrap}<thead><tr>{header}</tr></thead>\n<tbody>\n"]
    for row in t.rows:
        cells: list[str] = []
        for index, cell in enumerate(row):
            kind = t.links.get(index)
            if kind and isinstance(cell, str):
                inner = _a(links.by_kind(kind, cell), cell)
            elif kind and isinstance(cell, list):
                inner = id_links(links, kind, cell, empty="")
            elif isinstance(cell, str) and cell in STATUS_WORDS:
                inner = _status(cell)
            else:
                inner = _e(cell)
            cells.append(f'<th scope="row">{inner}</th>' if index == 0 else f"<td>{inner}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>\n")
    out.append("</tbody></table></div>\n")
    words = "\n".join(_e(" ".join(row)) for row in [t.header, *t.text_rows()])
    return slots.defer("".join(out), words)
