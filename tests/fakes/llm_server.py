"""A local HTTP server that speaks OpenAI Chat Completions and Bedrock Converse, scripted per test.

    with FakeLLMServer() as server:
        server.script(Reply.of_json({"summary": "ok"}), Reply.http_error(500))
        ... point a client at server.openai_base_url or server.url (Bedrock endpoint_url) ...

A `responder` (request -> Reply, or None to fall through) answers per request when the script is empty,
for clients that send several kinds of prompt (ragas metrics).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import unquote

logger = logging.getLogger(__name__)

_BEDROCK_PATH = re.compile(r"^/model/(?P<model>[^/]+)/converse$")
_OPENAI_PATH = "/v1/chat/completions"
# Bedrock names its errors in a header; botocore reads the code from there.
_BEDROCK_ERROR_TYPES = {400: "ValidationException", 403: "AccessDeniedException", 429: "ThrottlingException"}


@dataclass(frozen=True)
class Reply:
    """One scripted response. `usage=None` omits token counts, as some servers do."""

    kind: Literal["text", "hang", "error"]
    text: str = ""
    status: int = 200
    seconds: float = 0.0
    usage: tuple[int, int] | None = (12, 34)
    model: str | None = None  # reported model id; defaults to the one requested

    @classmethod
    def of_text(cls, text: str, *, usage: tuple[int, int] | None = (12, 34), model: str | None = None) -> Reply:
        return cls("text", text=text, usage=usage, model=model)

    @classmethod
    def of_json(cls, obj: Any, **kwargs: Any) -> Reply:
        return cls.of_text(json.dumps(obj), **kwargs)

    @classmethod
    def fenced_json(cls, obj: Any, **kwargs: Any) -> Reply:
        return cls.of_text(f"Here is the verdict:\n```json\n{json.dumps(obj, indent=2)}\n```\n", **kwargs)

    @classmethod
    def hang(cls, seconds: float = 5.0) -> Reply:
        """Say nothing for `seconds` (released early when the server stops)."""
        return cls("hang", seconds=seconds)

    @classmethod
    def http_error(cls, status: int = 500, message: str = "internal server error") -> Reply:
        return cls("error", text=message, status=status)


@dataclass(frozen=True)
class RecordedRequest:
    api: Literal["openai", "bedrock"]
    path: str
    model: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeLLMServer:
    """Threaded server on 127.0.0.1 with a free port. Replies pop from the script, then `responder`, then `default`."""

    def __init__(
        self, default: Reply | None = None, responder: Callable[[RecordedRequest], Reply | None] | None = None
    ) -> None:
        self.default = default or Reply.of_json({})
        self.responder = responder
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeLLMServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self  # type: ignore[attr-defined]  # the handler finds its script here
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-llm", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging handlers so nothing outlives the test
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """Base URL; Bedrock clients take it as `endpoint_url`."""
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def _next(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.popleft()
        reply = self.responder(request) if self.responder is not None else None
        return reply or self.default

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        fake: FakeLLMServer = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        bedrock = _BEDROCK_PATH.match(self.path)
        if self.path == _OPENAI_PATH:
            api, model = "openai", body.get("model", "")
        elif bedrock:
            api, model = "bedrock", unquote(bedrock["model"])
        else:
            self._send(404, {"message": f"no route {self.path}"})
            return
        reply = fake._next(RecordedRequest(api, self.path, model, body, dict(self.headers.items())))
        if reply.kind == "hang":
            fake._wait(reply.seconds)
        try:
            self._respond(api, model, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): exactly what a hang is for

    def _respond(self, api: str, model: str, reply: Reply) -> None:
        if reply.kind == "error":
            if api == "openai":
                self._send(reply.status, {"error": {"message": reply.text, "type": "server_error"}})
            else:
                kind = _BEDROCK_ERROR_TYPES.get(reply.status, "InternalServerException")
                self._send(reply.status, {"message": reply.text}, {"x-amzn-ErrorType": kind})
            return
        builder = _openai_body if api == "openai" else _bedrock_body
        self._send(200, builder(reply, reply.model or model))

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature is http.server's)
        logger.debug("fake llm: " + format, *args)


def _openai_body(reply: Reply, model: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}],
    }
    if reply.usage is not None:
        tokens_in, tokens_out = reply.usage
        body["usage"] = {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        }
    return body


def _bedrock_body(reply: Reply, model: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": [{"text": reply.text}]}},
        "stopReason": "end_turn",
        "metrics": {"latencyMs": 1},
    }
    if reply.usage is not None:
        tokens_in, tokens_out = reply.usage
        body["usage"] = {"inputTokens": tokens_in, "outputTokens": tokens_out, "totalTokens": tokens_in + tokens_out}
    return body
