"""``kyc-eval faces``: face verification accuracy and speed on a table of image pairs.

Pairs table (TSV with a header; LFW's ``pairs.tsv`` in the shared data has this shape)::

    protocol  fold  image_a                               image_b                               same
    view2     1     Abel_Pacheco/Abel_Pacheco_0001.jpg    Abel_Pacheco/Abel_Pacheco_0004.jpg    1

``image_a``, ``image_b`` (paths relative to ``--root``) and ``same`` (1/0) are required;
``protocol`` (default ``all``) and ``fold`` (default 0 = no fold) are optional. Pairs with folds
numbered 1..k get LFW's k-fold cross-validated accuracy (each fold decided by the threshold that
is best on the other folds).

Each distinct image is embedded exactly once per system (embeddings cached in memory by path):
detect faces, keep the face nearest the image centre (LFW's labelled person is the central one;
``--face largest`` keeps the largest), compute its 128-D embedding. The score of a pair is the L2
distance of the two embeddings. An image where no face is found is a *failure to enrol*: its
pairs are kept with distance ``inf`` (rejected at every threshold), so FTE costs accuracy the way
it would in production, and is counted separately.

Peer ``face_recognition`` (PyPI, same dlib ResNet model): ``face_locations`` (HOG, one
upsampling, its defaults) then ``face_encodings`` (5-point landmarks, no jitter) with the same
face selection and the same pairs, in the same run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import sys
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

import kyc

from . import metrics
from .common import cpu_seconds, format_table, load_pyplot, provenance, seed_everything, write_json

FMR_TARGETS = (1e-2, 1e-3, 1e-4)
SCHEMA = "kyc.eval.faces"


@dataclass(frozen=True)
class Pair:
    protocol: str
    fold: int
    image_a: str
    image_b: str
    same: bool


def read_pairs(path: Path) -> List[Pair]:
    """The pairs of a TSV table (see the module doc); raises ValueError naming a bad line."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = {"image_a", "image_b", "same"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(
                f"{path}: missing column(s) {', '.join(sorted(missing))} (need image_a, image_b, same)"
            )
        pairs = []
        for line, row in enumerate(reader, start=2):
            same = (row.get("same") or "").strip().lower()
            if same not in ("0", "1", "true", "false"):
                raise ValueError(f"{path}:{line}: 'same' must be 1/0 or true/false")
            fold_text = (row.get("fold") or "0").strip()
            try:
                fold = int(fold_text)
            except ValueError:
                raise ValueError(f"{path}:{line}: 'fold' must be an integer") from None
            pairs.append(
                Pair(
                    protocol=(row.get("protocol") or "all").strip() or "all",
                    fold=fold,
                    image_a=row["image_a"].strip(),
                    image_b=row["image_b"].strip(),
                    same=same in ("1", "true"),
                )
            )
    return pairs


def select_pairs(
    pairs: List[Pair], protocols: Optional[Sequence[str]], limit: Optional[int]
) -> List[Pair]:
    """Pairs of the chosen protocols; with ``limit``, the first ``limit`` genuine and the first
    ``limit`` impostor pairs in file order (a small, deterministic, balanced subset)."""
    if protocols:
        wanted = set(protocols)
        unknown = wanted - {p.protocol for p in pairs}
        if unknown:
            raise ValueError(f"protocol(s) not in the pairs table: {', '.join(sorted(unknown))}")
        pairs = [p for p in pairs if p.protocol in wanted]
    if limit is not None:
        genuine = [p for p in pairs if p.same][:limit]
        impostor = [p for p in pairs if not p.same][:limit]
        keep = set(map(id, genuine + impostor))
        pairs = [p for p in pairs if id(p) in keep]
    return pairs


# --- embedders ------------------------------------------------------------------------------


@dataclass
class Embedding:
    vector: Optional[np.ndarray]  # None = failure to enrol
    faces: int
    milliseconds: float  # wall clock
    cpu_milliseconds: float  # process CPU time (all threads): robust to a busy shared machine


def _image_size(data: bytes) -> Tuple[int, int]:
    """(width, height) after EXIF orientation, from the header only."""
    try:
        from PIL import Image
    except ImportError:
        raise RuntimeError(
            "--face central needs pillow to read image sizes (pip install 'kyc[eval]'), "
            "or use --face largest"
        ) from None

    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:  # a broken EXIF block: the decoder ignores it too
            orientation = 1
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _choose(
    boxes: List[Tuple[float, float, float, float]], size: Callable[[], Tuple[int, int]], rule: str
) -> int:
    """Index of the face to evaluate among boxes (x, y, w, h)."""
    if len(boxes) == 1:
        return 0
    if rule == "largest":
        return max(range(len(boxes)), key=lambda k: (boxes[k][2] * boxes[k][3], -k))
    width, height = size()
    cx, cy = width / 2.0, height / 2.0

    def off_centre(k: int) -> Tuple[float, int]:
        x, y, w, h = boxes[k]
        return ((x + w / 2 - cx) ** 2 + (y + h / 2 - cy) ** 2, k)

    return min(range(len(boxes)), key=off_centre)


class KycEmbedder:
    """kyc: one Engine, detect_faces then face_embeddings of the chosen face."""

    name = "kyc"

    def __init__(self, engine: "kyc.Engine", face_rule: str) -> None:
        self.engine = engine
        self.face_rule = face_rule

    def model(self) -> str:
        info = self.engine.info
        return f"{info['analyzer']['model']} / {info['comparer']['model']}"

    def fingerprint(self) -> Dict[str, Any]:
        config = dict(self.engine.config)
        return {
            "system": self.name,
            "kyc": kyc.__version__,
            "face": config.get("face"),
            "model_dir": config.get("model_dir"),
            "packaged_model_dir": config.get("packaged_model_dir"),
            "face_rule": self.face_rule,
        }

    def embed(self, data: bytes) -> Embedding:
        start, cpu = time.perf_counter(), cpu_seconds()
        faces = self.engine.detect_faces(data)
        vector = None
        if faces:
            boxes = [(f.box.x, f.box.y, f.box.width, f.box.height) for f in faces]
            chosen = faces[_choose(boxes, lambda: _image_size(data), self.face_rule)]
            vector = np.asarray(self.engine.face_embeddings(data, [chosen])[0], dtype=np.float64)
        elapsed = (time.perf_counter() - start) * 1000.0
        return Embedding(vector, len(faces), elapsed, (cpu_seconds() - cpu) * 1000.0)


class FaceRecognitionEmbedder:
    """The face_recognition PyPI package (ageitgey), with its default settings."""

    name = "face_recognition"

    def __init__(self, face_rule: str) -> None:
        try:
            import face_recognition
        except ImportError as e:
            raise RuntimeError(
                "the face_recognition peer is not installed (pip install face_recognition, "
                f"which builds dlib from source): {e}"
            ) from None
        self.fr = face_recognition
        self.face_rule = face_rule

    def model(self) -> str:
        return "face_recognition (dlib hog, upsample 1, 5-point landmarks, dlib_face_recognition_resnet_model_v1)"

    def fingerprint(self) -> Dict[str, Any]:
        from importlib import metadata

        return {
            "system": self.name,
            "face_recognition": metadata.version("face_recognition"),
            "dlib": metadata.version("dlib"),
            "face_rule": self.face_rule,
        }

    def embed(self, data: bytes) -> Embedding:
        start, cpu = time.perf_counter(), cpu_seconds()
        image = self.fr.load_image_file(io.BytesIO(data))  # RGB uint8, as its docs prescribe
        locations = self.fr.face_locations(image)  # (top, right, bottom, left)
        vector = None
        if locations:
            boxes = [(float(l), float(t), float(r - l), float(b - t)) for (t, r, b, l) in locations]
            chosen = locations[
                _choose(boxes, lambda: (image.shape[1], image.shape[0]), self.face_rule)
            ]
            vector = np.asarray(self.fr.face_encodings(image, [chosen])[0], dtype=np.float64)
        elapsed = (time.perf_counter() - start) * 1000.0
        return Embedding(vector, len(locations), elapsed, (cpu_seconds() - cpu) * 1000.0)


class EmbeddingCache:
    """Embeddings (and their timings) saved per system, so that a second run (e.g. adding a peer)
    embeds only what is missing. The file name carries a hash of everything the embedding
    depends on (system, model, configuration, face selection, package version); images are keyed
    by absolute path. Cached images keep the times measured when they were embedded."""

    def __init__(self, directory: Path, fingerprint: Dict[str, Any]) -> None:
        text = json.dumps(fingerprint, sort_keys=True)
        self.path = (
            directory
            / f"{fingerprint['system']}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.npz"
        )
        self.fingerprint = text

    def load(self) -> Dict[str, Embedding]:
        if not self.path.is_file():
            return {}
        with np.load(self.path, allow_pickle=False) as z:
            if str(z["fingerprint"]) != self.fingerprint:
                return {}
            out = {}
            for k, key in enumerate(z["paths"]):
                vector = z["vectors"][k]
                out[str(key)] = Embedding(
                    None if np.isnan(vector).any() else vector.copy(),
                    int(z["faces"][k]),
                    float(z["ms"][k]),
                    float(z["cpu_ms"][k]),
                )
            return out

    def save(self, embeddings: Dict[str, Embedding]) -> None:
        keys = sorted(embeddings)
        if not keys:
            return
        dim = next((len(e.vector) for e in embeddings.values() if e.vector is not None), 128)
        vectors = np.full((len(keys), dim), np.nan)
        for k, key in enumerate(keys):
            if embeddings[key].vector is not None:
                vectors[k] = embeddings[key].vector
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            fingerprint=np.array(self.fingerprint),
            paths=np.array(keys),
            vectors=vectors,
            faces=np.array([embeddings[k].faces for k in keys]),
            ms=np.array([embeddings[k].milliseconds for k in keys]),
            cpu_ms=np.array([embeddings[k].cpu_milliseconds for k in keys]),
        )
        os.replace(tmp, self.path)


def embed_images(
    embedder: Any,
    root: Path,
    images: Sequence[str],
    threads: int,
    progress: bool,
    cache: Optional[EmbeddingCache] = None,
) -> Dict[str, Embedding]:
    """Each image embedded once; results keyed by relative path (order-independent)."""

    def one(relative: str) -> Embedding:
        data = (root / relative).read_bytes()  # read outside the timed part
        return embedder.embed(data)

    cached = cache.load() if cache is not None else {}
    absolute = {relative: str((root / relative).resolve()) for relative in images}
    out: Dict[str, Embedding] = {r: cached[absolute[r]] for r in images if absolute[r] in cached}
    todo = [r for r in images if r not in out]
    if progress:
        print(
            f"  {embedder.name}: {len(out)} images from the cache, {len(todo)} to embed",
            file=sys.stderr,
        )
    if todo:
        one(todo[0])  # warm-up: model loading is not part of the per-image times
    started = time.perf_counter()
    step = max(1, len(todo) // 20)

    def save() -> None:
        if cache is not None:
            merged = dict(cached)
            merged.update({absolute[r]: e for r, e in out.items()})
            cache.save(merged)

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for k, (relative, emb) in enumerate(zip(todo, pool.map(one, todo)), start=1):
            out[relative] = emb
            if k % step == 0 or k == len(todo):
                if progress:
                    print(
                        f"  {embedder.name}: {k}/{len(todo)} images, {time.perf_counter() - started:.0f} s",
                        file=sys.stderr,
                    )
                save()  # a long run interrupted keeps what it computed
    return out


# --- evaluation -----------------------------------------------------------------------------


def pair_distances(pairs: Sequence[Pair], embeddings: Dict[str, Embedding]) -> np.ndarray:
    out = np.empty(len(pairs), dtype=np.float64)
    for k, p in enumerate(pairs):
        a, b = embeddings[p.image_a].vector, embeddings[p.image_b].vector
        out[k] = math.inf if a is None or b is None else float(np.linalg.norm(a - b))
    return out


def evaluate_set(
    pairs: Sequence[Pair],
    distances: np.ndarray,
    threshold: float,
    embeddings: Dict[str, Embedding],
    cross: bool = False,
) -> Dict[str, Any]:
    same = np.array([p.same for p in pairs], dtype=bool)
    genuine, impostor = distances[same], distances[~same]
    result: Dict[str, Any] = {
        "pairs": len(pairs),
        "genuine_pairs": int(same.sum()),
        "impostor_pairs": int((~same).sum()),
        "pairs_with_fte": int(np.count_nonzero(~np.isfinite(distances))),
        "fte_images": sum(
            1
            for k in {p.image_a for p in pairs} | {p.image_b for p in pairs}
            if embeddings[k].vector is None
        ),
        "accuracy_at_threshold": {
            "threshold": threshold,
            "accuracy": metrics.accuracy_at(genuine, impostor, threshold),
        },
    }
    folds = [p.fold for p in pairs]
    if any(f > 0 for f in folds) and all(f > 0 for f in folds):
        result["kfold_accuracy"] = metrics.kfold_accuracy(distances, same, folds)
    if genuine.size and impostor.size:
        curves = metrics.error_curves(genuine, impostor)
        result["eer"] = metrics.equal_error_rate(curves)
        result["tar_at_fmr"] = [metrics.tar_at_fmr(curves, t, impostor.size) for t in FMR_TARGETS]
        result["_curves"] = _thin(
            curves, impostor.size
        )  # for the plots; removed before writing JSON
    if cross:
        images = {p.image_a for p in pairs} | {p.image_b for p in pairs}
        impostors = cross_identity_impostors({k: embeddings[k] for k in images})
        if impostors.size and genuine.size:
            curves = metrics.error_curves(genuine, impostors)
            result["_cross_curves"] = _thin(curves, impostors.size)
            result["cross_identity"] = {
                "images": len(images),
                "genuine_pairs": int(genuine.size),
                "impostor_pairs": int(impostors.size),
                "eer": metrics.equal_error_rate(curves),
                "tar_at_fmr": [metrics.tar_at_fmr(curves, t, impostors.size) for t in FMR_TARGETS],
                "fmr_at_threshold": float(
                    np.count_nonzero(impostors <= threshold) / impostors.size
                ),
                "fnmr_at_threshold": float(
                    np.count_nonzero(~(genuine <= threshold)) / genuine.size
                ),
            }
    finite_g = genuine[np.isfinite(genuine)]
    finite_i = impostor[np.isfinite(impostor)]
    result["distance_stats"] = {
        "genuine_mean": float(finite_g.mean()) if finite_g.size else None,
        "impostor_mean": float(finite_i.mean()) if finite_i.size else None,
    }
    return result


def cross_identity_impostors(embeddings: Dict[str, Embedding]) -> np.ndarray:
    """Distances of every pair of enrolled images whose identities (parent folder) differ."""
    keys = sorted(k for k, e in embeddings.items() if e.vector is not None)
    if len(keys) < 2:
        return np.empty(0)
    identity = np.array([str(Path(k).parent) for k in keys])
    vectors = np.stack([embeddings[k].vector for k in keys])
    sq = np.einsum("ij,ij->i", vectors, vectors)
    chunks = []
    for start in range(0, len(keys), 512):
        block = vectors[start : start + 512]
        d2 = sq[start : start + 512, None] + sq[None, :] - 2.0 * block @ vectors.T
        rows = np.arange(start, start + block.shape[0])[:, None]
        cols = np.arange(len(keys))[None, :]
        mask = (cols > rows) & (identity[start : start + 512, None] != identity[None, :])
        chunks.append(np.sqrt(np.maximum(d2[mask], 0.0)))
    return np.concatenate(chunks)


def run(args: Any, argv: Sequence[str]) -> int:
    seed_everything()
    pairs_path = Path(args.pairs)
    root = Path(args.root)
    out_dir = Path(args.out)
    pairs = select_pairs(read_pairs(pairs_path), args.protocol, args.limit)
    if not pairs:
        print("kyc-eval faces: no pairs selected", file=sys.stderr)
        return 2
    images = sorted({p.image_a for p in pairs} | {p.image_b for p in pairs})
    missing = [i for i in images if not (root / i).is_file()]
    if missing:
        print(
            f"kyc-eval faces: {len(missing)} image(s) missing under {root}, first: {missing[0]}",
            file=sys.stderr,
        )
        return 2

    engine = kyc.Engine(**(args.engine_config or {}))
    threshold = float(args.threshold) if args.threshold is not None else _engine_threshold(engine)
    systems: List[Any] = [KycEmbedder(engine, args.face)]
    for peer in args.peer or []:
        if peer != "face_recognition":
            raise ValueError(f"unknown face peer {peer!r} (supported: face_recognition)")
        systems.append(FaceRecognitionEmbedder(args.face))

    protocols = list(OrderedDict.fromkeys(p.protocol for p in pairs))
    report: Dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": 1,
        "provenance": provenance(engine, argv, {"pairs": pairs_path}),
        "settings": {
            "root": str(root),
            "protocols": protocols,
            "limit": args.limit,
            "face_selection": args.face,
            "threshold": threshold,
            "threads": args.threads,
            "fte_policy": "pairs with a failure to enrol are kept with distance inf (rejected)",
            "cross_identity_impostors": bool(args.cross_impostors),
            "cache_dir": str(args.cache_dir) if args.cache_dir else None,
        },
        "images": len(images),
        "systems": {},
    }
    print(
        f"kyc-eval faces: {len(pairs)} pairs, {len(images)} images, protocols {', '.join(protocols)}",
        file=sys.stderr,
    )
    curves_for_plot: Dict[str, Any] = {}
    for system in systems:
        cache = None
        if args.cache_dir:
            cache = EmbeddingCache(Path(args.cache_dir), system.fingerprint())
        embeddings = embed_images(
            system, root, images, args.threads if system.name == "kyc" else 1, not args.quiet, cache
        )
        distances = pair_distances(pairs, embeddings)
        fte = sorted(k for k, e in embeddings.items() if e.vector is None)
        entry: Dict[str, Any] = {
            "model": system.model(),
            "failure_to_enrol": {"images": len(fte), "rate": len(fte) / len(images), "paths": fte},
            "multiple_faces_images": sum(1 for e in embeddings.values() if e.faces > 1),
            "timing_per_image": metrics.timing_summary(
                [e.milliseconds for e in embeddings.values()]
            ),
            "cpu_time_per_image": metrics.timing_summary(
                [e.cpu_milliseconds for e in embeddings.values()]
            ),
            "all": evaluate_set(pairs, distances, threshold, embeddings, args.cross_impostors),
            "by_protocol": {},
        }
        if len(protocols) > 1:
            for protocol in protocols:
                idx = [k for k, p in enumerate(pairs) if p.protocol == protocol]
                entry["by_protocol"][protocol] = evaluate_set(
                    [pairs[k] for k in idx],
                    distances[idx],
                    threshold,
                    embeddings,
                    args.cross_impostors,
                )
        curves_for_plot[system.name] = {
            "listed impostor pairs": entry["all"].get("_curves"),
            "cross-identity impostors": entry["all"].get("_cross_curves"),
        }
        report["systems"][system.name] = entry

    for entry in report["systems"].values():
        for sub in [entry["all"], *entry["by_protocol"].values()]:
            sub.pop("_curves", None)
            sub.pop("_cross_curves", None)

    report["plots"] = _plot(curves_for_plot, out_dir, args)
    write_json(out_dir / "faces.json", report)
    print(summary_table(report))
    print(f"\nreport: {out_dir / 'faces.json'}")
    return 0


def _engine_threshold(engine: "kyc.Engine") -> float:
    point = engine.config["face"]["operating_point"]
    for op in engine.info.get("operating_points", []):
        if op["name"] == point:
            return float(op["distance"])
    return 0.6


def _thin(curves: Dict[str, np.ndarray], impostors: int, points: int = 4000) -> Dict[str, Any]:
    """At most ~``points`` curve points for drawing: half log-spaced in FMR (the low-FMR end a
    log axis magnifies), half evenly spaced along the curve. Millions of cross-identity impostors
    would otherwise make millions of points."""
    fmr = curves["fmr"]
    if fmr.size > points:
        targets = np.concatenate(
            [[0.0], np.geomspace(max(1.0 / impostors, 1e-9), 1.0, points // 2)]
        )
        idx = np.unique(
            np.concatenate(
                [
                    np.searchsorted(fmr, targets, side="right") - 1,
                    np.linspace(0, fmr.size - 1, points // 2).astype(int),
                ]
            )
        )
        idx = idx[idx >= 0]
        curves = {k: v[idx] for k, v in curves.items()}
    return {**curves, "impostors": impostors}


def _plot(curves: Dict[str, Dict[str, Any]], out_dir: Path, args: Any) -> Dict[str, Any]:
    """ROC and DET PNGs: one colour per system; solid = the listed pairs, dashed = every
    cross-identity pair (--cross-impostors). FMR 0 is drawn at the set's resolution, 1/impostors."""
    if args.no_plots:
        return {"skipped": "--no-plots"}
    plt = load_pyplot()
    if plt is None:
        return {"skipped": "matplotlib is not installed"}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind in ("roc", "det"):
        fig, ax = plt.subplots(figsize=(7, 5.5), dpi=110)
        lowest = 1.0
        for colour, (name, sets) in enumerate(curves.items()):
            for style, (set_name, c) in zip(("-", "--"), sets.items()):
                if c is None:
                    continue
                floor = 1.0 / c["impostors"]
                lowest = min(lowest, floor)
                fmr = np.maximum(c["fmr"], floor)
                y = c["tar"] if kind == "roc" else np.maximum(c["fnmr"], 1e-4)
                ax.plot(
                    fmr,
                    y,
                    style,
                    color=f"C{colour}",
                    label=f"{name} ({set_name})",
                    drawstyle="steps-post",
                )
        ax.set_xscale("log")
        ax.set_xlim(left=lowest * 0.8, right=1.0)
        ax.set_xlabel("false match rate (FMR)")
        if kind == "roc":
            ax.set_ylabel("true accept rate (TAR)")
            ax.set_title("ROC")
        else:
            ax.set_yscale("log")
            ax.set_ylabel("false non-match rate (FNMR)")
            ax.set_title("DET")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
        fig.tight_layout()
        path = out_dir / f"faces_{kind}.png"
        fig.savefig(path)
        plt.close(fig)
        written[kind] = str(path)
    return written


def summary_table(report: Dict[str, Any]) -> str:
    header = [
        "system",
        "set",
        "pairs",
        "acc@thr",
        "10-fold acc",
        "EER",
        "TAR@1e-2",
        "TAR@1e-3",
        "TAR@1e-4",
        "FTE",
        "mean ms",
        "p50 ms",
        "p95 ms",
        "cpu p50 ms",
    ]
    rows = []

    def tar(s: Dict[str, Any], x: float) -> Optional[str]:
        t = {t["target_fmr"]: t for t in s.get("tar_at_fmr", [])}.get(x)
        if t is None:
            return None
        return f"{t['tar']:.4f}" + ("" if t["resolvable"] else "*")

    for name, entry in report["systems"].items():
        sets = [("all", entry["all"])] + list(entry["by_protocol"].items())
        timing, cpu = entry["timing_per_image"], entry["cpu_time_per_image"]
        for set_name, s in sets:
            kf = s.get("kfold_accuracy")
            rows.append(
                [
                    name,
                    set_name,
                    s["pairs"],
                    s["accuracy_at_threshold"]["accuracy"],
                    f"{kf['mean']:.4f}±{kf['standard_error']:.4f}" if kf else None,
                    s["eer"]["eer"] if "eer" in s else None,
                    tar(s, 1e-2),
                    tar(s, 1e-3),
                    tar(s, 1e-4),
                    s["fte_images"],
                    timing.get("mean_ms"),
                    timing.get("p50_ms"),
                    timing.get("p95_ms"),
                    cpu.get("p50_ms"),
                ]
            )
        for set_name, s in sets:
            if "cross_identity" in s:
                ci = s["cross_identity"]
                rows.append(
                    [
                        name,
                        f"{set_name}, cross-identity impostors ({ci['impostor_pairs']})",
                        ci["genuine_pairs"],
                        None,
                        None,
                        ci["eer"]["eer"],
                        tar(ci, 1e-2),
                        tar(ci, 1e-3),
                        tar(ci, 1e-4),
                        None,
                        None,
                        None,
                        None,
                        None,
                    ]
                )
    return (
        format_table(header, rows)
        + "\n(* = FMR target below 1/impostor pairs: not resolvable with this many impostors)"
    )
