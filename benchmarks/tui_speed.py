"""Workbench speed.

1. open: ``kemu review FILE`` as a user starts it, one fresh process per run, on a real report
   (../shared/real_reports, 41 pages): the seconds until the window's first frame (the
   loading screen, reading cold) and until the first table is on screen, cold (empty cache)
   and cached;
2. first screen: a cached 30-page report, from App start to the end of the first refresh
   of the review screen (timed inside the app: Pilot's press-and-pause has an ~80 ms floor);
3. key press: on a 2,000-row table, from the Key event to the end of the next screen
   refresh (cursor moves, page down, next problem).
The inputs of 2 and 3 are synthetic text reports written to a temp folder (30 pages; one
2,000-row table). Run: python benchmarks/tui_speed.py [--report PDF]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from app.cache import load_report  # noqa: E402
from app.matching.catalog import default_catalog  # noqa: E402
from app.tui.app import KemuApp  # noqa: E402
from app.tui.screens.review import ReviewScreen  # noqa: E402
from widgets.report_table import ReportTable  # noqa: E402


def synthetic_report(folder: Path, pages: int, rows: int) -> Path:
    """A 决算 text dump: narrative pages, then one 支出决算表 with ``rows`` coded rows."""
    entries = [e for e in default_catalog().edition(2023).entries if e.family == "functional" and e.level == "项"]
    lines = ["某市某局2023年度部门决算"]
    for page in range(pages - 1):
        lines += [f"第{page + 1}页说明：本年收入合计1,000.00万元，支出合计1,000.00万元。"] * 30 + ["\f"]
    lines += ["支出决算表", "部门：某市某局\t\t\t金额单位：万元", "科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出"]
    for i in range(rows):
        e = entries[i % len(entries)]
        lines.append(f"{e.code}\t{e.name}\t{i + 100}.00\t{i}.00\t100.00")
    path = folder / f"synthetic_{pages}p_{rows}r.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class TimedApp(KemuApp):
    """Records, for every key, the time until the next refresh has been painted."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key_times: list[float] = []
        self._key_start: float | None = None
        self._key_name = ""
        self.by_key: dict[str, list[float]] = {}
        self.first_screen: float | None = None
        self.started = time.perf_counter()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._key_start is None:
            self._key_start = time.perf_counter()
            self._key_name = event.key
        await super().on_event(event)

    def _display(self, screen, renderable) -> None:
        """The end of a screen refresh: the frame that follows the key is on the terminal."""
        super()._display(screen, renderable)
        if self._key_start is not None and renderable is not None:
            self.key_times.append(time.perf_counter() - self._key_start)
            self.by_key.setdefault(self._key_name, []).append(self.key_times[-1])
            self._key_start = None

async def first_screen(path: Path) -> float:
    """From App construction to the first refresh after the review grid holds its rows."""
    app = TimedApp(path)
    async with app.run_test(size=(180, 50)) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.query_one(ReportTable).row_count):
            await asyncio.sleep(0.005)
        app.call_after_refresh(lambda: setattr(app, "first_screen", time.perf_counter() - app.started))
        while app.first_screen is None:
            await pilot.pause(0.005)
        return app.first_screen


async def key_presses(path: Path, keys: list[str]) -> list[float]:
    app = TimedApp(path)
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.pause(2.0)  # let the grid finish filling in the background
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.02)
        for key, times in app.by_key.items():
            print(f"   {key:9s} n={len(times):3d} median {statistics.median(times) * 1000:6.1f} ms  max {max(times) * 1000:6.1f} ms")
        return app.key_times


OPEN = """
import json, sys, time
from app.tui.app import KemuApp

stamps = {}


class Timed(KemuApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is None:
            return
        stamps.setdefault("window", time.time())
        if type(screen).__name__ == "ReviewScreen" and screen.query("#grid") and screen.query_one("#grid").row_count:
            stamps["table"] = time.time()
            self.exit()


from pathlib import Path
from app.tui.app import session_before_the_window

sys.stderr.isatty = lambda: True  # as on a terminal: a cold report is read behind the loading screen
Timed(sys.argv[1], session=session_before_the_window(Path(sys.argv[1])), read_in_worker=True).run(headless=True, size=(180, 50))
print(json.dumps(stamps))
"""


def open_times(report: Path, cached: bool, runs: int) -> list[tuple[float, float]]:
    """(window, first table) seconds from the start of a fresh ``kemu review``-like process."""
    with tempfile.TemporaryDirectory(prefix="kemu-tui-open-") as scratch:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = dict(base, PYTHONPATH=str(ROOT), KEMU_OCR="off", PYTHONPYCACHEPREFIX=str(Path(scratch) / "pyc"))
        env["KEMU_CACHE_DIR"] = str(Path(scratch) / "cache")
        copy = Path(scratch) / report.name  # the sidecar goes beside the copy, not beside the report
        copy.write_bytes(report.read_bytes())
        subprocess.run([sys.executable, "-c", OPEN, str(copy)], env=env, capture_output=True, timeout=300)  # bytecode, cache
        times = []
        for run in range(runs):
            if not cached:
                env["KEMU_CACHE_DIR"] = str(Path(scratch) / f"cold{run}")
            started = time.time()
            done = subprocess.run([sys.executable, "-c", OPEN, str(copy)], env=env, capture_output=True, text=True, timeout=300)
            stamps = json.loads(done.stdout.strip().splitlines()[-1])
            times.append((stamps["window"] - started, stamps["table"] - started))
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=ROOT.parent / "shared" / "real_reports" / "hangzhou_jiaotong_2026_budget.pdf")
    parser.add_argument("-n", type=int, default=3, help="process starts per measurement")
    args = parser.parse_args()
    if args.report.exists():
        for cached in (False, True):
            times = open_times(args.report, cached, args.n)
            window, table = (statistics.median(t[i] for t in times) for i in (0, 1))
            print(f"kemu review {args.report.name} {'cached' if cached else 'cold'}: window {window * 1000:.0f} ms, "
                  f"first table {table * 1000:.0f} ms (median of {args.n} process starts)")
    os.environ.setdefault("KEMU_CACHE_DIR", tempfile.mkdtemp(prefix="kemu-tui-bench-"))
    folder = Path(tempfile.mkdtemp(prefix="kemu-tui-"))
    big = synthetic_report(folder, pages=30, rows=2000)
    load_report(big)  # warm the extraction cache
    opens = [asyncio.run(first_screen(big)) for _ in range(3)]
    print(f"first screen, cached 30-page report with a 2,000-row table: best {min(opens) * 1000:.0f} ms, median {statistics.median(opens) * 1000:.0f} ms")
    times = asyncio.run(key_presses(big, ["g"] + ["down"] * 40 + ["pagedown"] * 10 + ["right"] * 5 + ["n"] * 5))
    times = sorted(times)
    print(f"key press → next refresh, 2,000-row table ({len(times)} keys): median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
