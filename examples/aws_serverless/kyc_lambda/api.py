"""GET /results/{id} behind API Gateway (HTTP API payload 2.0 or REST API proxy 1.0).

200 with the stored result, 404 when there is none, 400 for an id that is not 32 lower-case hex
digits (checked before DynamoDB is asked), 405 for another method.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict

from . import runtime
from .logs import log
from .processor import Processor, to_json_value

_ID = re.compile(r"[0-9a-f]{32}")


def _response(status: int, body: Dict[str, Any]) -> Dict[str, Any]:
    return {"statusCode": status,
            "headers": {"content-type": "application/json", "cache-control": "no-store"},
            "body": json.dumps(body, separators=(",", ":"))}


def get_result(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method") \
        or event.get("httpMethod")
    if method and method.upper() != "GET":
        return _response(405, {"error": "method_not_allowed"})
    rid = (event.get("pathParameters") or {}).get("id")
    if not isinstance(rid, str) or not _ID.fullmatch(rid):
        log("api.bad_id", request_id=request_id)
        return _response(400, {"error": "bad_id",
                                "message": "the id is 32 lower-case hexadecimal digits"})
    item = Processor(runtime.Settings.from_env(), request_id).get_item(rid)
    if item is None:
        log("api.not_found", request_id=request_id, result_id=rid)
        return _response(404, {"error": "not_found", "id": rid})
    item = to_json_value(item)
    item["id"] = item.pop("pk")
    log("api.found", request_id=request_id, result_id=rid, status=item.get("status"))
    return _response(200, item)
