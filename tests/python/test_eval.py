"""kyc-eval on small subsets of the shared data: structure of the reports and sane figures.

Subsets keep this under a minute: the first 50 genuine + 50 impostor LFW pairs, the four ICAO
Utopia MRZ specimens, the Yale conditions table. Expected values come from the data's own labels
(pairs.tsv, expected.json, yale_conditions.tsv); the thresholds on accuracy are sanity bounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

import kyc
from kyc.eval import cli, metrics
from testdata import SHARED_DIR, in_ci, require_shared

LFW_PAIRS = "data/faces/lfw/pairs.tsv"
PASSPORTEYE_EXPECTED = "data/docs/passporteye/expected.json"
YALE_LABELS = "data/faces/tables/yale_conditions.tsv"
PHOTO_RULES = ("eyes_open", "mouth_closed", "neutral_expression", "illumination_evenness")


def run_eval(argv, capsys):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured


# --- metrics: cases small enough to work out by hand --------------------------------------


def test_eer_and_tar_on_a_hand_computed_case():
    genuine = [0.1, 0.2, 0.3, 0.7]
    impostor = [0.4, 0.8, 0.9, 1.0]
    curves = metrics.error_curves(genuine, impostor)
    # Threshold 0.3 accepts 3/4 genuine, 0 impostors; 0.4 adds one impostor (FMR 1/4 = FNMR 1/4).
    assert metrics.equal_error_rate(curves)["eer"] == pytest.approx(0.25)
    at_zero = metrics.tar_at_fmr(curves, 0.0, len(impostor))
    assert at_zero["tar"] == pytest.approx(0.75) and at_zero["threshold"] == pytest.approx(0.3)
    assert metrics.tar_at_fmr(curves, 0.25, len(impostor))["resolvable"] is True
    assert metrics.tar_at_fmr(curves, 1e-3, len(impostor))["resolvable"] is False


def test_failure_to_enrol_is_a_rejection_at_every_threshold():
    curves = metrics.error_curves([0.1, float("inf")], [0.9, float("inf")])
    assert curves["tar"].max() == pytest.approx(0.5)  # the inf genuine is never accepted
    assert curves["fmr"].max() == pytest.approx(0.5)  # nor the inf impostor


def test_kfold_accuracy_separable_and_not():
    same = [True, False] * 10
    folds = [k // 2 + 1 for k in range(20)]  # 10 folds of one genuine + one impostor
    separable = [0.2 if s else 0.9 for s in same]
    result = metrics.kfold_accuracy(separable, same, folds)
    assert result["folds"] == 10 and result["mean"] == 1.0
    inverted = [0.9 if s else 0.2 for s in same]  # genuine farther than impostors: at best 50 %
    assert metrics.kfold_accuracy(inverted, same, folds)["mean"] <= 0.5
    assert metrics.kfold_accuracy(separable, same, [0] * 20) is None  # no folds, no k-fold


# --- the three subcommands on real data ---------------------------------------------------


def test_faces_on_the_first_lfw_pairs(tmp_path, capsys):
    pairs = require_shared(LFW_PAIRS)
    out = tmp_path / "faces"
    captured = run_eval(
        [
            "faces",
            "--pairs",
            pairs,
            "--root",
            pairs.parent / "images",
            "--limit",
            50,
            "--protocol",
            "view2",
            "--out",
            out,
            "--quiet",
        ],
        capsys,
    )
    report = json.loads((out / "faces.json").read_text())
    assert report["schema"] == "kyc.eval.faces" and report["schema_version"] == 1
    prov = report["provenance"]
    assert prov["kyc_version"] == kyc.__version__
    assert prov["engine_config"]["face"]["detector"]
    assert len(prov["inputs"]["pairs"]["sha256"]) == 64
    system = report["systems"]["kyc"]
    summary = system["all"]
    assert (
        summary["pairs"] == 100
        and summary["genuine_pairs"] == 50
        and summary["impostor_pairs"] == 50
    )
    assert summary["accuracy_at_threshold"]["accuracy"] > 0.9
    assert 0.0 <= summary["eer"]["eer"] < 0.1
    assert [t["target_fmr"] for t in summary["tar_at_fmr"]] == [1e-2, 1e-3, 1e-4]
    assert all(0.0 <= t["tar"] <= 1.0 for t in summary["tar_at_fmr"])
    # 50 impostors cannot measure FMR 1e-2: the report must say so rather than pretend.
    assert not any(t["resolvable"] for t in summary["tar_at_fmr"])
    fte = system["failure_to_enrol"]
    assert fte["images"] == len(fte["paths"]) and fte["images"] <= 0.05 * report["images"]
    timing = system["timing_per_image"]
    assert timing["count"] == report["images"]
    assert 0 < timing["p50_ms"] <= timing["p95_ms"] <= timing["max_ms"]
    assert "kyc" in captured.out and "acc@thr" in captured.out
    if "skipped" in report["plots"]:
        assert "matplotlib" in report["plots"]["skipped"]
        assert "matplotlib is not installed" in captured.err
    else:
        for kind in ("roc", "det"):
            assert Path(report["plots"][kind]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_faces_without_matplotlib_writes_the_json_and_says_why(tmp_path, capsys, monkeypatch):
    pairs = require_shared(LFW_PAIRS)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    out = tmp_path / "faces"
    captured = run_eval(
        [
            "faces",
            "--pairs",
            pairs,
            "--root",
            pairs.parent / "images",
            "--limit",
            1,
            "--out",
            out,
            "--quiet",
        ],
        capsys,
    )
    report = json.loads((out / "faces.json").read_text())
    assert report["plots"] == {"skipped": "matplotlib is not installed"}
    assert "matplotlib is not installed" in captured.err
    assert not list(out.glob("*.png"))


def test_faces_reports_a_missing_image_clearly(tmp_path, capsys):
    table = tmp_path / "pairs.tsv"
    table.write_text("image_a\timage_b\tsame\na.jpg\tb.jpg\t1\n")
    assert (
        cli.main(
            ["faces", "--pairs", str(table), "--root", str(tmp_path), "--out", str(tmp_path / "o")]
        )
        == 2
    )
    assert "missing" in capsys.readouterr().err


def _mrz_run(tmp_path, capsys, name):
    expected = require_shared(PASSPORTEYE_EXPECTED)
    tessdata = SHARED_DIR / "models" / "tessdata"
    if not (tessdata / "mrz.traineddata").is_file():
        require_shared("models/tessdata/mrz.traineddata")
    out = tmp_path / name
    run_eval(
        [
            "mrz",
            "--images",
            expected.parent / "tests" / "data",
            "--expected",
            expected,
            "--expected-root",
            expected.parent.parent,
            "--tessdata",
            tessdata,
            "--out",
            out,
            "--quiet",
        ],
        capsys,
    )
    return json.loads((out / "mrz.json").read_text())


def test_mrz_on_the_utopia_specimens_is_accurate_and_repeatable(tmp_path, capsys):
    report = _mrz_run(tmp_path, capsys, "first")
    assert (
        report["schema"] == "kyc.eval.mrz"
        and report["provenance"]["kyc_version"] == kyc.__version__
    )
    summary = report["systems"]["kyc"]["summary"]
    assert summary["documents"] == 4 and summary["labelled_documents"] == 4
    assert summary["mrz_found"] == 4
    assert summary["check_digit_validity_rate"] >= 0.75
    assert summary["format_accuracy"] >= 0.75
    assert summary["document_accuracy"] >= 0.75
    assert set(summary["field_accuracy"]) >= {
        "document_number",
        "date_of_birth",
        "date_of_expiry",
        "surname",
    }
    for field, f in summary["field_accuracy"].items():
        assert f["total"] == 4 and f["accuracy"] >= 0.75, field
    assert summary["timing_per_document"]["count"] == 4
    # Privacy: the report says whether a field was right, never what it says.
    text = json.dumps(report)
    oracle = json.loads(require_shared(PASSPORTEYE_EXPECTED).read_text())["images"]
    for entry in oracle.values():
        assert entry["expected_fields_normalized"]["document_number"] not in text
        assert entry["expected_fields_normalized"]["surname"] not in text
    # Reproducible: a second run gives the same per-document results (timings aside).
    again = _mrz_run(tmp_path, capsys, "second")

    def strip(r):
        return [
            {k: v for k, v in d.items() if k not in ("ms", "cpu_ms")}
            for d in r["systems"]["kyc"]["documents"]
        ]

    assert strip(report) == strip(again)


def test_photo_confusion_matrices_on_yale(tmp_path, capsys):
    labels = require_shared(YALE_LABELS)
    out = tmp_path / "photo"
    captured = run_eval(
        ["photo", "--labels", labels, "--root", labels.parent.parent, "--out", out, "--quiet"],
        capsys,
    )
    report = json.loads((out / "photo.json").read_text())
    assert (
        report["schema"] == "kyc.eval.photo"
        and report["provenance"]["kyc_version"] == kyc.__version__
    )
    rows = [line.split("\t") for line in labels.read_text().splitlines()[1:] if line.strip()]
    assert report["photos"] == len(rows)
    assert set(report["rules"]) == set(PHOTO_RULES)
    conditions = [r[2] for r in rows]
    for rule, c in report["rules"].items():
        expected_fail = sum(1 for cond in conditions if cli_expectation(cond, rule) == "fail")
        expected_pass = sum(1 for cond in conditions if cli_expectation(cond, rule) == "pass")
        cells = c["tp"] + c["fn"] + c["tn"] + c["fp"] + c["unassessed"]
        assert cells == expected_fail + expected_pass, rule
        assert c["tp"] + c["fn"] <= expected_fail and c["tn"] + c["fp"] <= expected_pass
        assert c["unassessed"] <= 2, rule  # one Yale photo has no detectable face
        assert c["accuracy"] >= 0.75, (rule, c)
    assert "illumination_evenness" in captured.out


def cli_expectation(condition, rule):
    from kyc.eval.photo import CONDITION_EXPECTATIONS

    return CONDITION_EXPECTATIONS.get(condition, {}).get(rule)


def test_console_script_is_installed():
    scripts = [ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "kyc-eval"]
    if not scripts:
        reason = "kyc is installed without the kyc-eval script (reinstall: pip install .)"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    assert scripts[0].value == "kyc.eval.cli:main"
    script = Path(sys.executable).parent / "kyc-eval"
    result = subprocess.run(
        [str(script) if script.exists() else "kyc-eval", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert result.returncode == 0 and kyc.__version__ in result.stdout


def test_module_entry_point_prints_help():
    result = subprocess.run(
        [sys.executable, "-m", "kyc.eval", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for task in ("faces", "mrz", "photo"):
        assert task in result.stdout
