"""One JSON object per log line, so CloudWatch Logs Insights can query the fields.

Only operational data is logged: request id, result id, bucket, version, verdict, reason codes,
error codes, timings. Never an object key (uploaders choose keys, and keys can hold names), a
document field or a kyc error message (package errors quote entry names).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def log(event: str, **fields: Any) -> None:
    record = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "event": event}
    record.update({k: v for k, v in fields.items() if v is not None})
    # Lambda ships stdout to CloudWatch Logs; one line per record keeps records whole.
    sys.stdout.write(json.dumps(record, default=str, separators=(",", ":")) + "\n")
    sys.stdout.flush()
