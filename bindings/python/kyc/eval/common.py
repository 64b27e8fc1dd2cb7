"""What every kyc-eval report shares: provenance (kyc version, build, engine configuration,
input files with their SHA-256), deterministic JSON output and an optional matplotlib."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

import kyc

#: Every run seeds these generators, so that anything random (none of the metrics is) repeats.
SEED = 20240607

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def seed_everything() -> int:
    random.seed(SEED)
    np.random.seed(SEED)
    return SEED


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(
    engine: Optional["kyc.Engine"], argv: Sequence[str], inputs: Dict[str, Path]
) -> Dict[str, Any]:
    """The facts needed to reproduce a run: versions, configuration, inputs (by hash)."""
    info: Dict[str, Any] = {
        "kyc_version": kyc.__version__,
        "kyc_build": kyc.build_info(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "seed": SEED,
        "command": ["kyc-eval", *argv],
        "inputs": {
            name: {"path": str(path), "sha256": sha256_of(path)}
            for name, path in inputs.items()
            if path.is_file()
        },
    }
    if engine is not None:
        info["engine_config"] = engine.config
        info["engine_info"] = engine.info
    return info


def write_json(path: Path, report: Dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, sort_keys=False, allow_nan=False, default=_json_default)
        f.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def load_pyplot():
    """matplotlib.pyplot with a file-only backend, or None (with the reason on stderr) when
    matplotlib is not installed: curves are optional, the numbers are not."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "kyc-eval: matplotlib is not installed, so no PNG curves are drawn "
            "(pip install 'kyc[eval]' or pip install matplotlib); the JSON summary is complete.",
            file=sys.stderr,
        )
        return None
    return plt


def list_images(root: Path) -> List[Path]:
    """Image files under ``root``, recursively, in a deterministic (sorted) order."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table (for the terminal and for pasting into Markdown)."""
    cells = [[str(h) for h in header]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[c]) for r in cells) for c in range(len(header))]
    lines = [
        "| " + " | ".join(r[c].ljust(widths[c]) for c in range(len(header))) + " |" for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (PassportEye runs the tesseract
    executable). Per-item CPU times stay meaningful on a busy machine, where wall times do not."""
    children = 0.0
    try:
        import resource  # POSIX only

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = usage.ru_utime + usage.ru_stime
    except ImportError:
        pass
    return time.process_time() + children
