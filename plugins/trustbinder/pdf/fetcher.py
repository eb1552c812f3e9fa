"""The only way WeasyPrint may load anything: files inside the program's own folders, never the network."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """Serves `file:` URLs under `roots` and inline `data:` URLs; refuses and records everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()  # resolve: a symlink may point outside
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"not loaded: the binder only reads files inside the program, and never the network: {url}")
