"""Command line of kyc-eval (see the package doc and docs/evaluation.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

# Tesseract's OpenMP threads only compete with kyc's per-call handles; the kyc package sets the
# same default, this makes it hold for a peer that loads Tesseract first too.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import kyc  # noqa: E402


def _engine_config(text: Optional[str]) -> Dict[str, Any]:
    """--config: JSON text or @file, the Engine's keyword arguments (see kyc.Engine)."""
    if not text:
        return {}
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            text = f.read()
    value = json.loads(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("--config must be a JSON object")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kyc-eval",
        description="Evaluate kyc's accuracy and speed on labelled data (JSON report + summary table).",
    )
    parser.add_argument("--version", action="version", version=f"kyc-eval (kyc {kyc.__version__})")
    sub = parser.add_subparsers(dest="task", required=True)

    def common(p: argparse.ArgumentParser, task: str) -> None:
        p.add_argument(
            "--out",
            default=os.path.join("kyc-eval-results", task),
            help="output directory (default: %(default)s)",
        )
        p.add_argument(
            "--config",
            dest="engine_config",
            type=_engine_config,
            default=None,
            help="engine configuration: JSON text or @file (kyc.Engine keyword arguments)",
        )
        p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    faces = sub.add_parser(
        "faces",
        help="face verification on image pairs (accuracy, ROC/DET, EER, TAR@FMR, FTE, timing)",
    )
    faces.add_argument(
        "--pairs", required=True, help="pairs TSV: [protocol] [fold] image_a image_b same"
    )
    faces.add_argument("--root", required=True, help="directory the image paths are relative to")
    faces.add_argument(
        "--peer",
        action="append",
        choices=["face_recognition"],
        help="also run this peer on the same pairs",
    )
    faces.add_argument(
        "--protocol", action="append", help="only pairs of this protocol (repeatable; default: all)"
    )
    faces.add_argument(
        "--limit",
        type=int,
        default=None,
        help="first N genuine and first N impostor pairs (a quick subset)",
    )
    faces.add_argument(
        "--face",
        choices=["central", "largest"],
        default="central",
        help="face evaluated when an image has several (default: %(default)s, LFW's convention)",
    )
    faces.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="distance threshold for the fixed-threshold accuracy (default: the engine's operating point)",
    )
    faces.add_argument(
        "--cross-impostors",
        action="store_true",
        help="also score every cross-identity pair of enrolled images (identity = parent folder), "
        "enough impostors to resolve FMR 1e-4",
    )
    faces.add_argument(
        "--threads",
        type=int,
        default=1,
        help="kyc embedding threads (default 1; more makes per-image CPU times overlap)",
    )
    faces.add_argument(
        "--cache-dir",
        default=None,
        help="keep embeddings here between runs (keyed by model, configuration and image path)",
    )
    faces.add_argument("--no-plots", action="store_true", help="skip the PNG curves")
    common(faces, "faces")

    mrz = sub.add_parser(
        "mrz", help="MRZ reading (per-field and per-document accuracy, check digits, timing)"
    )
    mrz.add_argument(
        "--images", required=True, help="directory of document images (searched recursively)"
    )
    mrz.add_argument(
        "--expected",
        help="expected fields JSON (kyc or PassportEye shape; paths relative to --images)",
    )
    mrz.add_argument(
        "--expected-root",
        default=None,
        help="directory the paths in --expected are relative to (default: --images)",
    )
    mrz.add_argument(
        "--peer",
        action="append",
        choices=["passporteye"],
        help="also run this peer on the same images",
    )
    mrz.add_argument(
        "--tessdata",
        default=None,
        help="directory with mrz.traineddata (engine document.tessdata_dir; default: $KYC_TESSDATA_DIR)",
    )
    mrz.add_argument(
        "--viz",
        action="store_true",
        help="also OCR the printed zone (slower; off: MRZ and barcode only)",
    )
    mrz.add_argument(
        "--only-expected", action="store_true", help="only the images listed in --expected"
    )
    common(mrz, "mrz")

    photo = sub.add_parser("photo", help="passport-photo rules: per-rule confusion matrices")
    photo.add_argument(
        "--labels", required=True, help="labels TSV: path + condition, or path + rule-id columns"
    )
    photo.add_argument("--root", required=True, help="directory the image paths are relative to")
    photo.add_argument("--profile", default="icao", help="photo profile (default: %(default)s)")
    common(photo, "photo")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args_list: List[str] = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    try:
        if args.task == "faces":
            from . import faces

            return faces.run(args, args_list)
        if args.task == "mrz":
            from . import mrz

            return mrz.run(args, args_list)
        from . import photo

        return photo.run(args, args_list)
    except (ValueError, OSError, RuntimeError, kyc.Error) as e:
        print(f"kyc-eval {args.task}: {e}", file=sys.stderr)
        return 2
