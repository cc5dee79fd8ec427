"""Cell precision/recall of extraction against every ground truth in sample_reports/.

Run: python benchmarks/accuracy.py [-v]   (prints one line per sample, then the total)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.evaluate import Score, load_truth, score_report  # noqa: E402
from parsers.report import read_report  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_reports"


def main(verbose: bool = False) -> list[Score]:
    scores = []
    for truth_path in sorted(SAMPLES.rglob("*.truth.json")):
        truth = load_truth(truth_path)
        source = truth_path.with_name(truth["source"])
        score = score_report(read_report(source), truth, source.name)
        scores.append(score)
        print(f"{source.name:32s} precision {score.precision:7.2%}  recall {score.recall:7.2%}  ({score.true_positive}/{score.expected} cells, {score.extracted} extracted)")
        if verbose:
            for miss in score.misses[:15]:
                print("   missing", miss)
            for extra in score.extras[:15]:
                print("   extra  ", extra)
    tp = sum(s.true_positive for s in scores)
    print(f"{'ALL':32s} precision {tp / max(1, sum(s.extracted for s in scores)):7.2%}  recall {tp / max(1, sum(s.expected for s in scores)):7.2%}")
    return scores


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
