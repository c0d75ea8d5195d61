"""The endpoint a ``vllm_serve`` job exposes (§8.3, §15.4): a small
OpenAI-compatible chat server on 127.0.0.1 with its own port and thread.
Like the provider's real vLLM endpoint it needs no DCP auth."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .workloads import chat_reply, count_tokens


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vllm-emulated/0.1"

    def log_message(self, *args) -> None:   # keep stdout/stderr clean
        pass

    def _json(self, status: int, obj) -> None:
        data = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        srv: VllmServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?")[0].rstrip("/")
        if path in ("/health", ""):
            self._json(200, {"status": "ok"})
        elif path == "/v1/models":
            self._json(200, {"object": "list", "data": [{
                "id": srv.model, "object": "model", "created": srv.created,
                "owned_by": "vllm", "root": srv.model, "parent": None,
                "max_model_len": srv.max_model_len, "permission": []}]})
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        srv: VllmServer = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._json(400, {"object": "error", "message": "Invalid JSON body",
                                    "type": "BadRequestError", "code": 400})
        path = self.path.split("?")[0].rstrip("/")
        if path != "/v1/chat/completions":
            return self._json(404, {"detail": "Not Found"})
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return self._json(400, {"object": "error", "message": "messages is required",
                                    "type": "BadRequestError", "code": 400})
        max_tokens = body.get("max_tokens") if isinstance(body.get("max_tokens"), int) else 256
        text = chat_reply(srv.model, messages, max_tokens, served_by="vLLM")
        prompt_tokens = sum(count_tokens(str(m.get("content", ""))) for m in messages
                            if isinstance(m, dict))
        completion_tokens = count_tokens(text)
        cid = f"chatcmpl-{srv.port}-{srv.next_id()}"
        created = int(time.time())
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            pieces = [{"role": "assistant", "content": ""}] + \
                     [{"content": w + " "} for w in text.split(" ")]
            for i, delta in enumerate(pieces):
                chunk = {"id": cid, "object": "chat.completion.chunk", "created": created,
                         "model": srv.model, "choices": [{"index": 0, "delta": delta,
                                                          "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            end = {"id": cid, "object": "chat.completion.chunk", "created": created,
                   "model": srv.model, "choices": [{"index": 0, "delta": {},
                                                    "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
            return
        self._json(200, {
            "id": cid, "object": "chat.completion", "created": created, "model": srv.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}})


class VllmServer:
    def __init__(self, model: str, max_model_len: int = 4096, host: str = "127.0.0.1") -> None:
        self.model = model
        self.max_model_len = max_model_len
        self.created = int(time.time())
        self._ids = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name=f"dc1emu-vllm-{self.port}")
        self._thread.start()

    def next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def stop(self) -> None:
        try:
            self.httpd.shutdown()
            self.httpd.server_close()
        except Exception:
            pass
