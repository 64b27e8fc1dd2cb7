"""kyc on AWS Lambda: S3 uploads (directly or through SQS) are verified with the kyc module, the
verdict is stored in DynamoDB and announced on SNS; API Gateway reads results back.

Entry points are in ``handler.py`` beside this package (``handler.handler``,
``handler.api_handler``). The package holds the pieces so that each can be read and tested on
its own: ``events`` (event shapes), ``processor`` (one object -> one result item -> one
notification), ``summary`` (what of a kyc report may be stored), ``api`` (GET /results/{id}),
``runtime`` (the engine and clients shared by invocations in one container) and ``logs``.
"""
