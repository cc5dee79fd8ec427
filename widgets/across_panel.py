"""Under the folder list: the highlighted report's department (its reports by year and kind),
or the finding across reports `n` walked to, with both sides (file, page, figure, where)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from app.export.triage import AcrossFinding, Department, Side
from widgets.chinese_text import ChineseText

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "dim"}
MARKS = "①②③"

def department_label(department: Department) -> str:
    """上海市/普陀区/人民政府万里街道办事处（部门）: the key, its scope in brackets."""
    name, _, scope = department.key.partition("#")
    return f"{name}（{scope}）" if scope else name


class AcrossPanel(Static):
    def show_department(self, department: Department | None, series: list[str], alone: str, summary: str) -> None:
        """``series``: the department's reports as the interface names them (2024 预算 …);
        ``alone``: what to say for a report no other report of the folder belongs with."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if department is None:
            text.append(alone, style="dim")
        else:
            text.append(department_label(department), style="bold")
            text.append(" · " + " · ".join(series))
        text.append("\n" + summary, style="dim")
        self.update(text)

    def show_finding(self, heading: str, finding: AcrossFinding, page: str, line: str) -> None:
        """``page`` / ``line``: how the interface says "page {page}" / "line {line}"."""
        said = ChineseText(finding.message)
        sides = (self._side(mark, side, page, line) for mark, side in zip(MARKS, finding.sides))
        self.update(Group(Text(heading, style=SEVERITY_STYLE.get(finding.severity, "")), said, *sides))

    @staticmethod
    def _side(mark: str, side: Side, page: str, line: str) -> Text:
        """File, page and figure first (they fit on 80 columns), then where in the report."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{mark} {side.path.name} ", style="bold")
        text.append(page.format(page=side.location.page))
        if side.where:
            text.append(f" {side.figure}", style="bold yellow")
            text.append(f" · {side.where}")
        else:
            text.append(" " + line.format(line=side.location.line or "?"))
            text.append(f" “{side.figure}”", style="yellow")
        return text
