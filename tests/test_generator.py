"""The sample generator is deterministic: regenerating reproduces the committed ground truth."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import GENERATED, ROOT


def test_generator_reproduces_committed_samples(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "sample_reports" / "generate.py"), "--out", str(tmp_path)], check=True)
    for truth in GENERATED.glob("*.truth.json"):
        assert (tmp_path / truth.name).read_text(encoding="utf-8") == truth.read_text(encoding="utf-8")
        assert (tmp_path / truth.name.replace(".truth.json", ".pdf")).read_bytes() == truth.with_name(truth.name.replace(".truth.json", ".pdf")).read_bytes()
