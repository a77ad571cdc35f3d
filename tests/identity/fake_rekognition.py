"""A Rekognition face collection on 127.0.0.1 for fault tests: real HTTP, real botocore
serialisation and timeouts. Only what identity uses: SearchFacesByImage (no match),
IndexFaces, ListFaces and DeleteFaces. `stall_index` makes IndexFaces index the face,
then hold the answer until `release` is set: the "client timed out, service succeeded"
case of issue 18. `fail` answers every call with a 500."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeCollection(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.faces: dict[str, str] = {}  # face id -> ExternalImageId
        self.calls: list[str] = []
        self.stall_index = False
        self.fail = False
        self.release = threading.Event()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, name="test-rekognition")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeCollection:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5.0)

    def answer(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(operation)
            if self.fail:
                return 500, {"__type": "InternalServerError", "message": "down"}
            if operation == "SearchFacesByImage":
                return 200, {"FaceMatches": [], "SearchedFaceConfidence": 99.0}
            if operation == "IndexFaces":
                face = str(uuid.uuid4())
                self.faces[face] = str(body["ExternalImageId"])
                record = {"Face": {"FaceId": face, "ExternalImageId": body["ExternalImageId"]}}
                stall = self.stall_index
            elif operation == "ListFaces":
                return 200, {"Faces": [{"FaceId": f, "ExternalImageId": e}
                                       for f, e in sorted(self.faces.items())]}
            elif operation == "DeleteFaces":
                gone = [f for f in body["FaceIds"] if self.faces.pop(f, None) is not None]
                return 200, {"DeletedFaces": gone}
            else:
                return 400, {"__type": "InvalidParameterException", "message": operation}
        if stall:
            self.release.wait(10.0)
        return 200, {"FaceRecords": [record], "UnindexedFaces": []}


class _Handler(BaseHTTPRequestHandler):
    server: FakeCollection

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        status, answer = self.server.answer(operation, body)
        data = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timed out) first
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass
