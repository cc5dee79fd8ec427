"""Command-palette entries that jump: to a table by its name, to a row by its 科目 code."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

MAX_ROW_HITS = 40


class JumpProvider(Provider):
    """Offers the tables of the report under review, and the rows whose code starts with the digits typed."""

    def _targets(self) -> list[tuple[str, object]]:
        """(text shown, command) for every table, then every coded row."""
        screen = self.screen
        if not hasattr(screen, "go_to"):
            return []
        t = screen.t
        targets = []
        names = screen.table_names()
        for table in screen.session.reviewed.tables:
            targets.append((f"{t('goto_table')}: {names[table.id]}", partial(screen.go_to, table.id, None)))
        return targets

    def _rows(self, digits: str) -> list[tuple[str, object]]:
        screen = self.screen
        if not hasattr(screen, "go_to"):
            return []
        names = screen.table_names()
        found = []
        for table in screen.session.reviewed.tables:
            for row in table.rows:
                code = row.code or (row.match.code if row.match and row.match.kind == "subject" else None)
                if code and code.startswith(digits):
                    text = f"{screen.t('goto_subject')}: {code} {row.name} · {names[table.id]}"
                    found.append((text, partial(screen.go_to, table.id, row.id)))
                    if len(found) >= MAX_ROW_HITS:
                        return found
        return found

    async def discover(self) -> Hits:
        for text, command in self._targets():
            yield DiscoveryHit(text, command)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command in self._targets():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command)
        digits = query.strip()
        if digits.isdigit():
            for text, command in self._rows(digits):
                yield Hit(1.0 if text.split(": ", 1)[1].startswith(digits + " ") else 0.9, text, command)
