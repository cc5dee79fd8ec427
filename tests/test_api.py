"""`import kemu`: the public Python API, including from a folder that holds its own app.py."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import GENERATED, ROOT

SAMPLE = GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf"

SCRIPT = textwrap.dedent(
    f"""
    import kemu

    report = kemu.extract({str(SAMPLE)!r})
    matched = kemu.match({str(SAMPLE)!r})
    findings = kemu.check({str(SAMPLE)!r})
    session = kemu.open_review({str(SAMPLE)!r})
    df = kemu.load_dataset({str(SAMPLE)!r})
    print(len(report.tables), sum(r.match is not None for t in matched.tables for r in t.rows),
          sorted({{e.rule for f in findings if f.severity == "error" for e in (f, *f.echoes)}}), session.progress()["mappings"], len(df))
    """
)


def test_api_runs_from_a_folder_with_its_own_app_py(tmp_path):
    (tmp_path / "app.py").write_text("raise SystemExit('the folder app.py was imported')\n", encoding="utf-8")
    (tmp_path / "parsers.py").write_text("raise SystemExit('shadowed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": "", "KEMU_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout.split()
    assert int(out[0]) >= 4 and int(out[1]) > 100
    assert "columns.identity" in done.stdout and "hierarchy.sum" in done.stdout  # the fault and its echo
    assert int(out[-1]) > 100 and not list(SAMPLE.parent.glob("*.kemu.*"))  # read-only calls leave no sidecar


def test_api_names():
    import kemu

    assert kemu.__all__ == ["extract", "match", "check", "open_review", "load_dataset"]
    assert all(callable(getattr(kemu, name)) for name in kemu.__all__)
    assert (ROOT / "docs" / "api.md").read_text(encoding="utf-8").count("kemu.") >= 5


INSTALL = '.venv/bin/pip install -q -e ".[dev]" --config-settings editable_mode=compat'


def test_import_kemu_beside_a_clone_folder_named_kemu(tmp_path):
    """`git clone …/kemu` makes a folder `kemu`; a script beside it sees that folder as a namespace
    package, which wins over setuptools' default editable finder (consulted last). The compat
    editable mode the README installs with puts the clone on sys.path instead, where the
    regular package `kemu` wins over any namespace folder. This runs that arrangement."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(INSTALL) == 2 and ' -e ".[dev]" &&' not in readme
    assert INSTALL in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    clone = tmp_path / "kemu"
    clone.mkdir()
    (clone / "README.md").write_text("# kemu\n", encoding="utf-8")  # a clone: no __init__.py at its top
    (tmp_path / "script.py").write_text("import kemu\nprint(kemu.__all__[0])\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # what the compat mode's .pth adds
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert (done.returncode, done.stdout) == (0, "extract\n"), done.stderr
