"""Everything the binder shows, computed once per build from one reader's view, and its rendering.

The plugin asks this module for page titles, page HTML and download bytes; the module knows nothing about
MkDocs' build beyond the URLs it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from trustbinder.binder import rows, svg
from trustbinder.binder.layout import Layout
from trustbinder.binder.links import Links
from trustbinder.binder.previewcache import PreviewCache
from trustbinder.binder.previews import Preview, preview
from trustbinder.model.buildinfo import BuildInfo
from trustbinder.model.controls import STATUSES
from trustbinder.model.coverage import CriterionCoverage, coverage_about, criterion_coverage, matrices
from trustbinder.model.documents import Document
from trustbinder.model.exports import Table, to_csv, to_json, to_xlsx
from trustbinder.model.frameworks import Criterion
from trustbinder.model.freshness import ControlFreshness, Interval, month_states, observation_period, program_freshness
from trustbinder.model.freshness import split_period as split
from trustbinder.model.gaps import GAP_KINDS, Gap, find_gaps, gaps_by_kind
from trustbinder.model.requests import RequestRow, request_rows, requests_table, status_counts
from trustbinder.model.scope import Visible
from trustbinder.slots import Slots

TEMPLATES = Path(__file__).parent / "templates"
CRITERION_EVIDENCE_SHOWN = 100
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="headerlink"')


@dataclass(frozen=True)
class Settings:
    preview_rows: int = 5
    preview_bytes: int = 65536


@dataclass
class Rendered:
    html: str
    toc: list[tuple[str, str]]  # (anchor, heading HTML) of each h2, for the page's table of contents
    slots: Slots  # parts of `html` held back from search until the page is put together


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = human_size
    env.filters["date"] = lambda d: d.isoformat() if d else ""
    return env


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value, unit = size / 1024, "KiB"
    for larger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{value:.1f} {unit}"


class Binder:
    def __init__(
        self,
        visible: Visible,
        layout: Layout,
        today: dt.date,
        info: BuildInfo,
        digests: dict[str, str],
        settings: Settings,
        previews: PreviewCache | None = None,
    ) -> None:
        self.visible = visible
        self.program = visible.program
        self.layout = layout
        self.today = today
        self.info = info
        self.digests = digests
        self.settings = settings
        self.previews = previews
        self.env = _environment()
        self.frameworks = visible.frameworks_in_scope()
        # Looked up for every row of every evidence and control page: computed once here.
        self.kinds = {e.id: e.kind for e in visible.evidence.values()}
        self.evidence_controls = {e: visible.controls_for_evidence(e) for e in visible.evidence}
        self.coverage: dict[str, list[tuple[Criterion, CriterionCoverage]]] = {
            f.key: [(c, criterion_coverage(visible, f.key, c.id)) for c in visible.criteria_in_scope(f.key)]
            for f in self.frameworks
        }
        self.criterion_status = {
            (cov.framework, cov.criterion): cov for rows in self.coverage.values() for _, cov in rows
        }
        # src_uri -> (kind, key): one lookup per rendered page, whatever the number of pages.
        self.items: dict[str, tuple[str, str]] = {uri: ("control", c) for c, uri in layout.controls.items()}
        self.items.update({uri: ("criterion", f"{fw}\0{c}") for (fw, c), uri in layout.criteria.items()})
        self.items.update({g.src_uri: ("group", str(i)) for i, g in enumerate(layout.groups)})
        self.framework_pages = {uri: key for key, uri in layout.frameworks.items()}
        self.coverage_pages = {uri: key for key, uri in layout.coverage.items()}
        self.tables: dict[str, list[Table]] = {f.key: matrices(visible, f.key) for f in self.frameworks}
        self.gaps = find_gaps(visible)
        self.gaps_by_subject: dict[str, list[Gap]] = defaultdict(list)
        for gap in self.gaps:
            self.gaps_by_subject[gap.subject].append(gap)
        self.period = observation_period(self.program)
        self.freshness: dict[str, ControlFreshness] = {f.control_id: f for f in program_freshness(visible, today)}
        self.months: list[Interval] = split(self.period[0], self.period[1], "month") if self.period else []
        self.requests: list[RequestRow] = request_rows(visible, today)
        self.requests_by_control: dict[str, list[RequestRow]] = defaultdict(list)
        for row in self.requests:
            for control_id in row.controls:
                self.requests_by_control[control_id].append(row)

    # ---- titles and downloads -------------------------------------------------------------------------

    def titles(self) -> dict[str, str]:
        layout = self.layout
        titles = {
            layout.overview: "Audit binder",
            layout.criteria_index: "Criteria in scope",
            layout.controls_index: "Controls",
            layout.evidence_index: "Evidence index",
            layout.coverage_index: "Coverage matrices",
            layout.gaps: "Gap report",
            layout.freshness: "Type II freshness",
            layout.requests: "Request list",
        }
        for framework in self.frameworks:
            titles[layout.frameworks[framework.key]] = f"{framework.short_name} criteria"
            titles[layout.coverage[framework.key]] = f"{framework.short_name} coverage"
            for criterion in self.visible.criteria_in_scope(framework.key):
                titles[layout.criteria[(framework.key, criterion.id)]] = f"{criterion.id} {criterion.label}"
        for control_id, uri in layout.controls.items():
            titles[uri] = f"{control_id} {self.visible.controls[control_id].title}"
        for group in layout.groups:
            titles[group.src_uri] = f"Evidence: {group.title}"
        return titles

    def downloads(self) -> dict[str, str | bytes]:
        layout = self.layout
        out: dict[str, str | bytes] = {}
        for framework in self.frameworks:
            tables = self.tables[framework.key]
            for table in tables:
                out[layout.coverage_csv[table.name]] = to_csv(table)
            out[layout.coverage_xlsx[framework.key]] = to_xlsx(tables, self.info.built)
            out[layout.coverage_json[framework.key]] = to_json(tables, **coverage_about(self.visible, framework.key))
        requests = requests_table(self.requests)
        out[layout.requests_csv] = to_csv(requests)
        out[layout.requests_xlsx] = to_xlsx([requests], self.info.built)
        out[layout.evidence_csv] = to_csv(self.evidence_table())
        return out

    def evidence_table(self) -> Table:
        table = Table(
            "evidence-index",
            "Evidence index",
            [
                "Evidence",
                "Title",
                "Controls",
                "Collected",
                "Period start",
                "Period end",
                "Source",
                "Query",
                "Owner",
                "Type",
                "Size (bytes)",
                "SHA-256",
                "Artifact",
            ],
        )
        for group in self.layout.groups:
            for evidence_id in group.items:
                item = self.visible.evidence[evidence_id]
                table.rows.append(
                    [
                        item.id,
                        item.title,
                        self.evidence_controls[item.id],
                        item.collected.isoformat(),
                        item.period_start.isoformat() if item.period_start else "",
                        item.period_end.isoformat() if item.period_end else "",
                        item.source,
                        item.query or "",
                        item.owner or "",
                        self.kinds[item.id],
                        item.size,
                        self.digests.get(item.id, ""),
                        item.artifact,
                    ]
                )
        return table

    # ---- pages --------------------------------------------------------------------------------------

    def render(self, src_uri: str, links: Links, defer: bool = True) -> Rendered:
        """The page's HTML; with `defer`, its bulkiest parts are markers until `Rendered.slots` fills them."""
        layout = self.layout
        slots = Slots(defer)
        common = {
            "b": self,
            "links": links,
            "layout": layout,
            "program": self.program,
            "visible": self.visible,
            "slots": slots,
        }
        if src_uri == layout.overview:
            html = self._render("overview.html", common, chart=self.headline_chart(), counts=self.headline())
        elif src_uri == layout.criteria_index:
            html = self._render("criteria_index.html", common)
        elif src_uri in self.framework_pages:
            key = self.framework_pages[src_uri]
            html = self._render("framework.html", common, framework=self.program.frameworks[key])
        elif src_uri == layout.controls_index:
            html = self._render("controls_index.html", common)
        elif src_uri == layout.evidence_index:
            html = self._render("evidence_index.html", common)
        elif src_uri == layout.coverage_index:
            html = self._render("coverage_index.html", common)
        elif src_uri in self.coverage_pages:
            key = self.coverage_pages[src_uri]
            html = self._render(
                "coverage.html", common, framework=self.program.frameworks[key], tables=self.tables[key]
            )
        elif src_uri == layout.gaps:
            html = self._render("gaps.html", common, grouped=gaps_by_kind(self.gaps), kinds=GAP_KINDS)
        elif src_uri == layout.freshness:
            html = self._render("freshness.html", common, heatmap=self.freshness_heatmap())
        elif src_uri == layout.requests:
            html = self._render("requests.html", common, counts=status_counts(self.requests))
        else:
            html = self._render_item(src_uri, common)
        return Rendered(html, [(anchor, Markup(text)) for anchor, text in _HEADING.findall(html)], slots)

    def _render_item(self, src_uri: str, common: dict[str, object]) -> str:
        kind, key = self.items[src_uri]
        if kind == "control":
            return self._render("control.html", common, control=self.visible.controls[key])
        if kind == "group":
            return self._render("evidence_group.html", common, group=self.layout.groups[int(key)])
        framework, criterion_id = key.split("\0")
        return self._render(
            "criterion.html",
            common,
            framework=self.program.frameworks[framework],
            criterion=self.program.frameworks[framework].criteria[criterion_id],
            coverage=self.criterion_status[(framework, criterion_id)],
            shown=CRITERION_EVIDENCE_SHOWN,
        )

    def _render(self, template: str, common: dict[str, object], **extra: object) -> str:
        return self.env.get_template(template).render(**common, **extra)

    # ---- helpers the templates call ------------------------------------------------------------------

    def headline(self) -> dict[str, int]:
        statuses = [cov.status for rows in self.coverage.values() for _, cov in rows]
        controls = [c.status for c in self.visible.controls.values()]
        return {
            "criteria": len(statuses),
            "criteria_covered": statuses.count("covered"),
            "controls": len(controls),
            "controls_implemented": controls.count("implemented"),
            "evidence": len(self.visible.evidence),
            "requests": len(self.requests),
            "requests_open": sum(1 for r in self.requests if r.request.status == "open"),
            "requests_overdue": sum(1 for r in self.requests if r.overdue),
            "gaps": len(self.gaps),
        }

    def headline_chart(self) -> Markup:
        return svg.stacked_bars("Headline figures of the binder", self.headline_bars())

    def headline_bars(self) -> list[svg.Bar]:
        statuses = [cov.status for rows in self.coverage.values() for _, cov in rows]
        controls = [c.status for c in self.visible.controls.values()]
        requests = status_counts(self.requests)
        tones = {"implemented": "good", "in-progress": "warn", "planned": "bad", "not-applicable": "muted"}
        return [
            svg.Bar(
                "Criteria in scope",
                [
                    svg.Segment("covered", statuses.count("covered"), "good"),
                    svg.Segment("not operating", statuses.count("not operating"), "warn"),
                    svg.Segment("not covered", statuses.count("not covered"), "bad"),
                ],
            ),
            svg.Bar("Controls", [svg.Segment(s, controls.count(s), tones[s]) for s in STATUSES]),
            svg.Bar(
                "Requests",
                [
                    svg.Segment("accepted", requests.get("accepted", 0), "good"),
                    svg.Segment("provided", requests.get("provided", 0), "info"),
                    svg.Segment("open", requests.get("open", 0), "muted"),
                    svg.Segment("flagged", requests.get("flagged", 0), "bad"),
                ],
            ),
            svg.Bar(
                "Gaps",
                [svg.Segment(title.lower(), len(items), "bad") for title, items in self.gap_counts().items()],
            ),
        ]

    def gap_counts(self) -> dict[str, list[Gap]]:
        return {GAP_KINDS[kind]: items for kind, items in gaps_by_kind(self.gaps).items()}

    def freshness_heatmap(self) -> Markup | None:
        if not self.freshness or not self.months:
            return None
        rows = [(control_id, month_states(f, self.months)) for control_id, f in self.freshness.items()]
        return svg.heatmap("Evidence per month of the observation period", rows, [m.label for m in self.months])

    def evidence_rows(self, evidence_ids: list[str], links: Links, slots: Slots) -> Markup:
        return rows.evidence_rows(self, evidence_ids, links, slots)

    def control_evidence(self, evidence_ids: list[str], links: Links, slots: Slots) -> Markup:
        return rows.control_evidence(self, evidence_ids, links, slots)

    def coverage_table(self, table: Table, links: Links, slots: Slots) -> Markup:
        return rows.coverage_table(table, links, slots)

    def ids(
        self, values: list[str], kind: str, links: Links, slots: Slots, limit: int | None = None, empty: str = "none"
    ) -> Markup:
        return rows.deferred_ids(links, slots, kind, values, limit, empty)

    @staticmethod
    def size_label(size: int) -> str:
        return human_size(size)

    def preview(self, evidence_id: str) -> Preview:
        item = self.visible.evidence[evidence_id]
        kind = self.kinds[evidence_id]

        def make() -> Preview:
            path = self.program.root / item.artifact
            return preview(path, kind, self.settings.preview_rows, self.settings.preview_bytes)

        if self.previews is None:
            return make()
        return self.previews.get(self.digests.get(evidence_id, ""), kind, make)

    def criteria_of(self, control_id: str) -> dict[str, list[str]]:
        """Criteria the register maps a control to, per framework, including frameworks out of scope."""
        return self.visible.controls[control_id].criteria

    def in_scope(self, framework: str, criterion: str) -> bool:
        return (framework, criterion) in self.layout.criteria

    def overdue_rows(self) -> list[RequestRow]:
        return [r for r in self.requests if r.overdue]

    def narratives(self) -> list[Document]:
        return [d for d in self.visible.documents.values() if d.type == "narrative"]
