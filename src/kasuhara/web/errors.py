"""The one place that maps `kasuhara.errors` (and request validation) to HTTP responses.

Every error body carries the message in Japanese and English. Field errors (422) list each
field's path in `loc`. A 403 never says whether the record exists.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kasuhara.errors import (
    ConflictError,
    InputError,
    KasuharaError,
    NotFoundError,
    NotInForceError,
    PermissionDeniedError,
)
from kasuhara.services.auth import LoginFailedError, LoginThrottledError, ProofOfWorkRequiredError
from kasuhara.services.evidence import EvidenceTooLargeError

_PYDANTIC_JA = {
    "missing": "必須項目です",
    "string_too_long": "長すぎます",
    "string_too_short": "短すぎます",
    "int_parsing": "整数を指定してください",
    "greater_than_equal": "値が小さすぎます",
    "less_than_equal": "値が大きすぎます",
    "literal_error": "使用できない値です",
    "enum": "使用できない値です",
    "datetime_parsing": "日時の形式が正しくありません",
    "datetime_from_date_parsing": "日時の形式が正しくありません",
    "date_parsing": "日付の形式が正しくありません",
    "json_invalid": "JSONの形式が正しくありません",
    "model_attributes_type": "オブジェクトが必要です",
    "dict_type": "オブジェクトが必要です",
    "string_type": "文字列が必要です",
    "extra_forbidden": "不明な項目です",
}


def _body(ja: str, en: str) -> dict[str, Any]:
    return {"detail": f"{ja} / {en}", "msg_ja": ja, "msg_en": en}


def status_for(exc: KasuharaError) -> int:
    if isinstance(exc, InputError | NotInForceError):
        return 422
    if isinstance(exc, EvidenceTooLargeError):
        return 413
    if isinstance(exc, LoginThrottledError):
        return 429
    if isinstance(exc, LoginFailedError):
        return 401
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    return 400


async def kasuhara_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KasuharaError)
    status = status_for(exc)
    if isinstance(exc, InputError):
        detail = [
            {
                "loc": p.field.split("."),
                "msg": p.message.ja,
                "msg_ja": p.message.ja,
                "msg_en": p.message.en,
                "allowed": list(p.allowed),
            }
            for p in exc.problems
        ]
        return JSONResponse({"detail": detail}, status_code=status)
    body = _body(exc.message.ja, exc.message.en)
    headers: dict[str, str] = {}
    if isinstance(exc, ProofOfWorkRequiredError):
        body["pow"] = {"challenge": exc.challenge, "bits": exc.bits,
                       "rule": "sha256(challenge + ':' + nonce) starts with `bits` zero bits; resend with pow_nonce"}
    elif isinstance(exc, LoginThrottledError) and exc.retry_after:
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=status, headers=headers)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = []
    for err in exc.errors():
        en = str(err.get("msg", "invalid"))
        ja = _PYDANTIC_JA.get(str(err.get("type", "")), "入力が正しくありません")
        detail.append({"loc": [str(x) for x in err.get("loc", ())], "msg": ja, "msg_ja": ja, "msg_en": en})
    return JSONResponse({"detail": detail}, status_code=422)


async def stale_data(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        _body("他の人が先に更新しました。読み込み直してください", "someone else changed this record; reload it"),
        status_code=409,
    )


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, dict) and "msg_ja" in exc.detail:
        body = _body(str(exc.detail["msg_ja"]), str(exc.detail["msg_en"]))
    else:
        en = str(exc.detail)
        ja = {400: "リクエストを解析できません", 404: "見つかりません", 405: "このメソッドは使えません"}
        body = _body(ja.get(exc.status_code, en), en)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(KasuharaError, kasuhara_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(StarletteHTTPException, http_error)
