"""Reads a home page as a person does: each panel's title, then its rows in order, each row's words
and the address it leads to (parcours/templates/core/home/)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HomeRow:
    text: str
    href: str | None


@dataclass
class HomePanel:
    title: str
    rows: list[HomeRow] = field(default_factory=list)
    text: str = ""
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.panels: list[HomePanel] = []
        self.in_title = False
        self.row: list | None = None
        self.depth = 0  # <li> nesting inside a row

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "prc-panel" in (attrs.get("class") or ""):
            self.panels.append(HomePanel(title=""))
        elif tag == "h2" and self.panels:
            self.in_title = True
        elif tag == "li" and "prc-home-row" in (attrs.get("class") or ""):
            self.row = [[], None]
        elif tag == "a" and self.panels:
            if self.row is not None:
                self.row[1] = attrs.get("href")
            else:
                self.panels[-1].links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_title = False
        elif tag == "li" and self.row is not None:
            text = re.sub(r"\s+", " ", "".join(self.row[0])).strip()
            self.panels[-1].rows.append(HomeRow(text=text, href=self.row[1]))
            self.row = None

    def handle_data(self, data):
        if not self.panels:
            return
        panel = self.panels[-1]
        panel.text += data
        if self.in_title:
            panel.title += data
        elif self.row is not None:
            self.row[0].append(data)


def read_home(html: str) -> dict[str, HomePanel]:
    """Panels by title (the title's first words, without the count)."""
    reader = _Reader()
    reader.feed(html)
    panels = {}
    for panel in reader.panels:
        panel.title = re.sub(r"\s+", " ", re.sub(r"\(\d+ en tout\)|\d+", "", panel.title)).strip()
        panel.text = re.sub(r"\s+", " ", panel.text)
        panels[panel.title] = panel
    return panels
