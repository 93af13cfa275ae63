"""The HTTP API: ask, search, check, documents, a council's timeline, upload-and-ingest, health.

    OFSTED_QA_INDEX=var/index uvicorn ofsted_qa.api:app --workers 2      (or: make serve)

Responses have the JSON shapes of the command line's `--json`. Writes need `Authorization: Bearer TOKEN`
with the token in $OFSTED_QA_API_TOKEN, and are refused when it is not set. Every error is JSON,
`{"detail": "..."}`, never a traceback. CORS is closed unless $OFSTED_QA_CORS_ORIGINS lists origins.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.errors import IndexError_, IndexLocked
from ingest.readers import SUPPORTED
from ingest.uploads import upload_path
from ofsted_qa.filters import InvalidFilter
from ofsted_qa.library import Library, open_index
from ofsted_qa.settings import InvalidSettings, Settings, default_index_dir
from qa import jsonio

log = logging.getLogger("ofsted_qa.api")
MAX_QUESTION = 2_000
MAX_TEXT = 200_000
UPLOAD_CHUNK = 1 << 20
UPLOAD_OVERHEAD = 1 << 20  # room for the multipart envelope around a file of the largest size
_NOT_A_PLAIN_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|\.\.|^[A-Za-z]:")  # folders, control characters, hidden, drives


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION, description="A question in plain words.")
    filters: dict[str, Any] | None = Field(
        None, description='e.g. {"local_authority": "blackpool", "year": 2022, "doc_type": "focused_visit"}')


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUESTION)
    k: int = Field(10, ge=1, le=100, description="Passages to return.")
    filters: dict[str, Any] | None = None


class CheckRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="A claim, or a whole article.")
    single_claim: bool = Field(False, description="Check `text` as one claim rather than finding the claims in it.")


class _Service:
    """The index, opened on first use and again after a failure (a damaged index may be mended meanwhile)."""

    def __init__(self, location: str):
        self.location = location
        self.library: Library | None = None
        self.lock = threading.Lock()

    def get(self) -> Library:
        with self.lock:
            if self.library is None:
                self.library = open_index(self.location)
            return self.library


def _library(request: Request) -> Library:
    return request.app.state.service.get()


Letters = Annotated[Library, Depends(_library)]


def create_app(location: Path | str | None = None) -> FastAPI:
    """The API over the index at `location`, a folder or a postgresql:// address ($OFSTED_QA_INDEX or var/index)."""
    service = _Service(str(location or default_index_dir()))
    app = FastAPI(title="Ofsted letters", version="1.0",
                  description="Ask, search and check what Ofsted inspectors wrote about councils' children's services.")
    origins = [o.strip() for o in os.environ.get("OFSTED_QA_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.state.service = service
    _handlers(app)

    @app.middleware("http")
    async def writes_need_the_token_first(request: Request, call_next):
        """The token and the declared size of an upload are checked before its body is read."""
        if request.method == "POST" and request.url.path == "/v1/documents":
            try:
                _authorise(request.headers.get("authorization"))
            except HTTPException as e:
                return JSONResponse({"detail": e.detail}, status_code=e.status_code, headers=e.headers)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > Settings.max_file_bytes + UPLOAD_OVERHEAD:
                return JSONResponse({"detail": f"the upload is larger than the {Settings.max_file_bytes / 1e6:.0f} MB "
                                               f"limit"}, status_code=413)
        return await call_next(request)

    @app.get("/health", summary="200 once the index is open")
    def health(letters: Letters) -> dict:
        return {"status": "ok", "documents": len(letters.documents()), "index": letters.location}

    @app.post("/v1/ask", summary="Answer a question with cited sentences (the shape of `qa ask --json`)")
    def ask(body: AskRequest, letters: Letters) -> dict:
        return jsonio.answer_json(letters.ask(body.question, body.filters))

    @app.post("/v1/search", summary="Ranked passages (the shape of `qa search --json`)")
    def search(body: SearchRequest, letters: Letters) -> dict:
        found = letters.search(body.query, body.k, body.filters)
        return jsonio.search_json(found.query, list(found.hits), found.scope, found.loosened)

    @app.post("/v1/check", summary="Verdicts on a claim or an article's claims (the shape of `qa check --json`)")
    def check(body: CheckRequest, letters: Letters) -> dict:
        return {"claims": [jsonio.verdict_json(v) for v in letters.check(body.text, body.single_claim)]}

    @app.get("/v1/documents", summary="Every indexed document (the rows of `qa docs --json`)")
    def documents(letters: Letters) -> dict:
        return {"documents": [jsonio.document_json(d) for d in letters.documents()]}

    @app.get("/v1/documents/{doc_id}", summary="One document, with its text")
    def document(doc_id: str, letters: Letters) -> dict:
        doc = letters.document(doc_id)
        if doc is None:
            raise HTTPException(404, f"no indexed document {doc_id!r}; GET /v1/documents lists them")
        return {**jsonio.document_json(doc), "text": doc.text}

    @app.get("/v1/councils", summary="The councils the indexed documents are about")
    def councils(letters: Letters) -> dict:
        return {"councils": letters.councils()}

    @app.get("/v1/councils/{council}/timeline", summary="A council's letters and reports, oldest first, with grades")
    def timeline(council: str, letters: Letters) -> dict:
        events = letters.timeline(council)
        if not events:
            raise HTTPException(404, f"no official letters about {council!r} are indexed; GET /v1/councils lists them")
        return {"council": events[0].council, "events": [jsonio.event_json(e) for e in events]}

    # The token was checked before the body was read (writes_need_the_token_first).
    @app.post("/v1/documents", status_code=201,
              summary="Upload a letter and ingest it (needs the header Authorization: Bearer <token>)")
    def upload(letters: Letters,
               file: Annotated[UploadFile, File(description="PDF, text, Markdown, HTML or Word")]) -> dict:
        name = file.filename or "upload"
        if _NOT_A_PLAIN_NAME.search(name):
            raise HTTPException(400, f"{name!r}: an upload's name must be a plain file name, with no folder in it")
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED:
            raise HTTPException(415, f"{name!r}: unsupported file type {suffix or '(none)'}; "
                                     f"supported: {', '.join(SUPPORTED)}")
        folder = letters.uploads
        folder.mkdir(parents=True, exist_ok=True)
        path = upload_path(folder, name)
        indexed = letters.document(path.stem)
        if indexed is not None and Path(indexed.path).resolve().parent != folder.resolve():
            raise HTTPException(409, f"{name!r}: a document with the id {path.stem!r} is already indexed from "
                                     f"{Path(indexed.path).name}; upload it under another name")
        with _saved(file, path, letters.settings.max_file_bytes):
            report = letters.add([path])
            if report.failed and not (report.ingested or report.unchanged):
                raise HTTPException(422, "; ".join(f"{Path(p).name}: {reason}" for p, reason in report.failed))
        ingested = {Path(p).stem for p in report.ingested}
        return {"ingested": sorted(ingested), "unchanged": [Path(p).stem for p in report.unchanged],
                "failed": [{"file": Path(p).name, "reason": r} for p, r in report.failed],
                "documents": [jsonio.document_json(d) for d in letters.documents() if d.doc_id in ingested]}

    return app


def _authorise(authorization: str | None) -> None:
    token = os.environ.get("OFSTED_QA_API_TOKEN", "")
    if not token:
        raise HTTPException(403, "writes are disabled: start the service with OFSTED_QA_API_TOKEN set")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "a write needs the header Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})


@contextmanager
def _saved(file: UploadFile, path: Path, limit: int) -> Iterator[None]:
    """The upload written to `path` for the block's work, refusing it past `limit` bytes; if the block fails,
    `path` is as it was before (an earlier upload of the same name is put back)."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    tmp = Path(temp)
    previous = path.with_name(f".{path.name}.previous")
    written = 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := file.file.read(UPLOAD_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise HTTPException(413, f"{path.name}: larger than the {limit / 1e6:.0f} MB limit")
                out.write(chunk)
        if written == 0:
            raise HTTPException(400, f"{path.name}: the file is empty")
        had = path.exists()
        if had:
            path.replace(previous)
        tmp.replace(path)
        try:
            yield
        except BaseException:
            path.unlink(missing_ok=True)
            if had:
                previous.replace(path)
            raise
        previous.unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        parts = []
        for error in e.errors():
            if error.get("type") == "json_invalid":
                at = error.get("loc", ("body", "?"))[-1]
                parts.append(f"the body is not valid JSON (at character {at})")
                continue
            where = ".".join(str(x) for x in error.get("loc", ()) if x != "body")
            parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
        return JSONResponse({"detail": "; ".join(parts) or "invalid request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, e: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(e.detail)}, status_code=e.status_code, headers=getattr(e, "headers", None))

    @app.exception_handler(InvalidFilter)
    async def bad_filter(_: Request, e: InvalidFilter) -> JSONResponse:
        return JSONResponse({"detail": f"filters: {e}"}, status_code=422)

    @app.exception_handler(IndexLocked)
    async def locked(_: Request, e: IndexLocked) -> JSONResponse:
        return JSONResponse({"detail": f"another ingest is writing to the index: {e}"}, status_code=409)

    @app.exception_handler(IndexError_)
    async def unavailable(_: Request, e: IndexError_) -> JSONResponse:
        return JSONResponse({"detail": str(e)}, status_code=503)

    @app.exception_handler(InvalidSettings)
    async def misconfigured(_: Request, e: InvalidSettings) -> JSONResponse:
        return JSONResponse({"detail": f"settings: {e}"}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, e: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse({"detail": f"internal error ({type(e).__name__}); the service log has the details"},
                            status_code=500)


app = create_app()
