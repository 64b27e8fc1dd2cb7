"""GET /results/{id} through the API handler, with API Gateway proxy events (HTTP API 2.0 and
REST API 1.0 shapes), reading what the processing handler stored in DynamoDB (moto server)."""

from __future__ import annotations

import json

import handler
from moto_stack import LambdaContext, split_notifications


def http_api_event(result_id, method="GET"):
    return {"version": "2.0", "routeKey": f"{method} /results/{{id}}",
            "rawPath": f"/results/{result_id}", "rawQueryString": "", "headers": {},
            "requestContext": {"http": {"method": method, "path": f"/results/{result_id}"},
                               "requestId": "req-1", "stage": "$default"},
            "pathParameters": {"id": result_id}, "isBase64Encoded": False}


def rest_api_event(result_id):
    return {"resource": "/results/{id}", "path": f"/results/{result_id}", "httpMethod": "GET",
            "pathParameters": {"id": result_id}, "requestContext": {"requestId": "req-2"},
            "headers": {}, "queryStringParameters": None, "body": None, "isBase64Encoded": False}


def test_get_results(stack, photo_bytes):
    stack.upload("photos/a.jpg", photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    handler.handler(stack.as_lambda_sqs_event(created), LambdaContext())
    [stored] = stack.items()
    rid = stored["pk"]

    for event in (http_api_event(rid), rest_api_event(rid)):
        answer = handler.api_handler(event, LambdaContext())
        assert answer["statusCode"] == 200
        assert answer["headers"]["content-type"] == "application/json"
        body = json.loads(answer["body"])
        assert body["id"] == rid and "pk" not in body
        assert body["verdict"] == stored["verdict"] and body["reasons"] == stored["reasons"]
        assert body["s3"]["key"] == "photos/a.jpg" and body["s3"]["size"] == len(photo_bytes)

    missing = handler.api_handler(http_api_event("0" * 32), LambdaContext())
    assert missing["statusCode"] == 404 and json.loads(missing["body"])["error"] == "not_found"

    for bad in ("../../etc/passwd", rid.upper(), rid + "0", "", "x" * 32):
        answer = handler.api_handler(http_api_event(bad), LambdaContext())
        assert answer["statusCode"] == 400, bad
        assert json.loads(answer["body"])["error"] == "bad_id"
    no_params = dict(http_api_event(rid), pathParameters=None)
    assert handler.api_handler(no_params, LambdaContext())["statusCode"] == 400
    assert handler.api_handler(http_api_event(rid, "DELETE"), LambdaContext())["statusCode"] == 405
