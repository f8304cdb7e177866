"""Schemas shared by every router: the error body of api-v1.md."""

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict


class ErrorOut(Schema):
    error: ErrorDetail
