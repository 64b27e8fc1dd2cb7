"""kyc-eval: accuracy and speed of kyc on labelled data, optionally side by side with a peer.

    kyc-eval faces --pairs PAIRS.tsv --root DIR [--peer face_recognition] [--out DIR]
    kyc-eval mrz   --images DIR --expected JSON [--peer passporteye] [--tessdata DIR]
    kyc-eval photo --labels TSV --root DIR [--profile icao]

Each writes a JSON report (``kyc.eval.<task>``, schema_version 1, with the kyc version, the
engine configuration and the SHA-256 of the input tables) and prints a summary table; ``faces``
also draws ROC and DET curves when matplotlib is installed (``pip install 'kyc[eval]'``).
Runs are deterministic: sorted inputs, no random sampling, fixed seeds. See docs/evaluation.md.
"""

from .cli import main

__all__ = ["main"]
