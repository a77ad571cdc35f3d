"""Emotion images from Stable Diffusion on an Amazon SageMaker endpoint, into the
pending pool for review.

One `InvokeEndpoint` call per image, with the SageMaker JumpStart text-to-image
payload the AWS sample used (`ContentType='application/json'`,
`Accept='application/json;jpeg'`; the body has `prompt`, `width`, `height`,
`num_images_per_prompt`, `num_inference_steps`, `guidance_scale`, and optionally
`negative_prompt` and `seed`; the JSON answer has `generated_images`, base64
JPEGs). One call per image makes every failure an image's own: throttling is
retried a little and then reported, a model error is reported and the run goes
on, while an error that would hit every image (a wrong endpoint name, a bad
payload, no credentials) stops the run. Whatever was made is kept either way.

Prompts live in `resources/prompts/emotions.toml` (see that file for the art
direction). With `seed`, image *i* uses `seed + i`, so a run is reproducible.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import json
import logging
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.aws import Backoff, Cancelled, ErrorKind, error_code, make_client, retry_call
from kiosk.config import Settings, read_text_bytes
from kiosk.config.encoding_hint import not_utf8
from kiosk.curation.errors import CurationError, DiskFullError, GenerationError, RejectedImage
from kiosk.curation.pool import PendingImage, PendingPool
from kiosk.domain import Emotion
from kiosk.resources import resource_path

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/json"
ACCEPT = "application/json;jpeg"
FATAL_CODES = frozenset({
    "ValidationError", "ValidationException", "AccessDeniedException", "AccessDenied",
    "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
    "IncompleteSignature", "MissingAuthenticationToken", "InvalidClientTokenId",
    "NoCredentialsError", "EndpointConnectionError",
})
MAX_FAILURES_IN_A_ROW = 3
INVOKE_TIMEOUT_S = 70.0  # SageMaker ends a real-time invocation after 60 s


@dataclass(frozen=True, slots=True)
class Prompt:
    prompt: str
    negative_prompt: str = ""


def default_prompts_path() -> Path:
    return resource_path("prompts", "emotions.toml")


def load_prompts(path: str | Path | None = None) -> dict[Emotion, Prompt]:
    """The prompt of every emotion; GenerationError names the file and what is wrong."""
    path = Path(path) if path is not None else default_prompts_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GenerationError(f"cannot read the prompts file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(read_text_bytes(raw))
    except UnicodeDecodeError as exc:  # Notepad's "Unicode", Korean "ANSI"
        raise GenerationError(not_utf8(path, raw, exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise GenerationError(f"{path}: not valid TOML: {exc}") from None
    allowed = ", ".join(e.folder for e in Emotion)
    prompts: dict[Emotion, Prompt] = {}
    for name, table in data.items():
        try:
            emotion = Emotion.parse(name)
        except ValueError:
            raise GenerationError(f"{path}: unknown section [{name}]; allowed: {allowed}") from None
        if not isinstance(table, dict) or not str(table.get("prompt", "")).strip():
            raise GenerationError(f"{path}: [{name}] needs a non-empty prompt = \"…\"")
        extra = set(table) - {"prompt", "negative_prompt"}
        if extra:
            raise GenerationError(f"{path}: [{name}] has unknown keys {sorted(extra)}; "
                                  "allowed: prompt, negative_prompt")
        prompts[emotion] = Prompt(str(table["prompt"]).strip(),
                                  str(table.get("negative_prompt", "")).strip())
    missing = [e.folder for e in Emotion if e not in prompts]
    if missing:
        raise GenerationError(f"{path}: no prompt for {', '.join(missing)}")
    return prompts


@dataclass(frozen=True, slots=True)
class Options:
    """Stable Diffusion settings (JumpStart's defaults: 512 × 512, 50 steps, 7.5)."""

    width: int = 512
    height: int = 512
    steps: int = 50
    guidance: float = 7.5
    seed: int | None = None
    negative_prompt: str | None = None  # None: the prompts file's

    def __post_init__(self) -> None:
        for name in ("width", "height"):
            value = getattr(self, name)
            if not 64 <= value <= 1024 or value % 8:
                raise ValueError(f"{name} {value}: a multiple of 8 from 64 to 1024")
        if not 1 <= self.steps <= 200:
            raise ValueError(f"steps {self.steps}: from 1 to 200")
        if not 0 < self.guidance <= 50:
            raise ValueError(f"guidance {self.guidance}: above 0, at most 50")


@dataclass(frozen=True, slots=True)
class ImageFailure:
    index: int  # 0-based image number in the run
    code: str  # the AWS error code, "BadResponse", "Rejected:<reason>", "DiskFull", …
    message: str
    stage: str = "invoke"  # "invoke": the endpoint failed; "pool": the image was not kept


@dataclass(frozen=True, slots=True)
class GenerateReport:
    emotion: Emotion
    endpoint: str
    requested: int
    made: tuple[PendingImage, ...] = ()
    failed: tuple[ImageFailure, ...] = ()
    aborted: str = ""  # why the run stopped before the end, if it did

    @property
    def ok(self) -> bool:
        return len(self.made) == self.requested

    def to_dict(self) -> dict[str, Any]:
        return {
            "emotion": self.emotion.folder, "endpoint": self.endpoint,
            "requested": self.requested, "made": [m.to_dict() for m in self.made],
            "failed": [dataclasses.asdict(f) for f in self.failed],
            "aborted": self.aborted or None,
        }


class Generator:
    """Calls the endpoint and fills the pool; see the module docstring."""

    def __init__(
        self,
        client: Any,
        pool: PendingPool,
        prompts: Mapping[Emotion, Prompt],
        *,
        throttle_retries: int = 2,
        backoff_s: float = 2.0,
        stop: threading.Event | None = None,
    ) -> None:
        self.client = client
        self.pool = pool
        self.prompts = dict(prompts)
        self.throttle_retries = max(0, throttle_retries)
        self.backoff_s = max(0.0, backoff_s)
        self.backoff = Backoff(base_s=self.backoff_s, cap_s=max(self.backoff_s, 30.0))
        self._stop = stop or threading.Event()

    @classmethod
    def from_settings(
        cls, settings: Settings, pool: PendingPool, prompts_path: str | Path | None = None,
        **kwargs: Any,
    ) -> Generator:
        aws = dataclasses.replace(
            settings.aws, read_timeout_s=max(settings.aws.read_timeout_s, INVOKE_TIMEOUT_S)
        )
        return cls(make_client("sagemaker-runtime", aws), pool, load_prompts(prompts_path),
                   **kwargs)

    def payload(self, emotion: Emotion, options: Options, index: int = 0) -> dict[str, Any]:
        prompt = self.prompts[emotion]
        body: dict[str, Any] = {
            "prompt": prompt.prompt,
            "width": options.width,
            "height": options.height,
            "num_images_per_prompt": 1,
            "num_inference_steps": options.steps,
            "guidance_scale": options.guidance,
        }
        negative = prompt.negative_prompt if options.negative_prompt is None else (
            options.negative_prompt)
        if negative:
            body["negative_prompt"] = negative
        if options.seed is not None:
            body["seed"] = options.seed + index
        return body

    def generate(
        self,
        emotion: Emotion,
        count: int,
        endpoint: str,
        options: Options | None = None,
        progress: Callable[[int, PendingImage | ImageFailure], None] | None = None,
    ) -> GenerateReport:
        """Make `count` images; each lands in the pool (origin `generate`) or in `failed`.
        `progress(index, result)` is called after each image (for a command line)."""
        options = options or Options()
        made: list[PendingImage] = []
        failed: list[ImageFailure] = []
        aborted = ""
        in_a_row = 0
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for index in range(count):
            if self._stop.is_set():
                aborted = "stopped"
                break
            results, abort = self._one(emotion, endpoint, options, index, stamp)
            for result in results:
                if isinstance(result, PendingImage):
                    made.append(result)
                else:
                    failed.append(result)
                if progress is not None:
                    progress(index, result)
            endpoint_failed = any(isinstance(r, ImageFailure) and r.stage == "invoke"
                                  for r in results)
            in_a_row = in_a_row + 1 if endpoint_failed else 0
            if not abort and in_a_row >= MAX_FAILURES_IN_A_ROW:
                abort = f"{in_a_row} images failed in a row"
            if abort:
                aborted = abort
                break
        report = GenerateReport(emotion, endpoint, count, tuple(made), tuple(failed), aborted)
        for failure in failed:
            log.warning("generate %s: image %d: %s: %s", emotion.folder, failure.index + 1,
                        failure.code, failure.message)
        return report

    def _one(
        self, emotion: Emotion, endpoint: str, options: Options, index: int, stamp: str
    ) -> tuple[list[PendingImage | ImageFailure], str]:
        """One image: its pool entries or its failure, and why the run must stop ('')."""
        body = self.payload(emotion, options, index)
        try:
            images = self._invoke(endpoint, body)
        except _Failure as exc:
            abort = f"{exc.code}: {exc.message}" if exc.code in FATAL_CODES else ""
            return [ImageFailure(index, exc.code, exc.message)], abort
        results: list[PendingImage | ImageFailure] = []
        for n, data in enumerate(images):
            suffix = f"-{n + 1}" if n else ""
            name = f"sd-{emotion.folder}-{stamp}-{index + 1:02d}{suffix}{_extension(data)}"
            try:
                results.append(self.pool.add_bytes(
                    data, emotion, name, origin="generate", meta={"endpoint": endpoint, **body}
                ))
            except DiskFullError as exc:
                results.append(ImageFailure(index, "DiskFull", str(exc), "pool"))
                return results, str(exc)
            except RejectedImage as exc:
                results.append(ImageFailure(index, f"Rejected:{exc.reason}", str(exc), "pool"))
            except CurationError as exc:
                results.append(ImageFailure(index, "PoolError", str(exc), "pool"))
        return results, ""

    def _invoke(self, endpoint: str, body: Mapping[str, Any]) -> list[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        def invoke() -> list[bytes]:
            response = self.client.invoke_endpoint(
                EndpointName=endpoint, ContentType=CONTENT_TYPE, Accept=ACCEPT,
                Body=json.dumps(body).encode("utf-8"),
            )
            return _decode(response["Body"].read())

        # Throttling and 5xx: the shared backoff (kiosk.aws). Not timeouts: an image
        # takes up to INVOKE_TIMEOUT_S, and a retry would double a dead endpoint's cost.
        try:
            return retry_call(invoke, backoff=self.backoff, retries=self.throttle_retries,
                              stop=self._stop, retry_on=(ErrorKind.THROTTLED, ErrorKind.SERVER),
                              what=f"generate: {endpoint}")
        except Cancelled as exc:
            cause = exc.__cause__
            code = error_code(cause) if cause is not None else "Cancelled"
            raise _Failure(code, "stopped while waiting to retry") from None
        except ClientError as exc:
            code = error_code(exc)
            raise _Failure(code, _client_message(endpoint, code, exc)) from None
        except BotoCoreError as exc:
            raise _Failure(type(exc).__name__, f"{exc}") from None


class _Failure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _decode(raw: bytes) -> list[bytes]:
    """The images of a JumpStart text-to-image answer, as encoded image files."""
    try:
        answer = json.loads(raw)
        images = answer["generated_images"]
        if not isinstance(images, list) or not images:
            raise ValueError("generated_images is empty")
    except (ValueError, KeyError, TypeError) as exc:
        raise _Failure("BadResponse", f"the endpoint's answer is not a JumpStart "
                       f"text-to-image response ({exc}); is it a Stable Diffusion model?") from None
    out = []
    for image in images:
        if isinstance(image, str):
            try:
                out.append(base64.b64decode(image, validate=True))
            except (binascii.Error, ValueError):
                raise _Failure("BadResponse", "an image is not valid base64") from None
        else:  # Accept: application/json answers with pixel arrays
            out.append(_pixels_to_jpeg(image))
    return out


def _extension(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


def _pixels_to_jpeg(pixels: Any) -> bytes:
    import numpy as np
    from PIL import Image

    try:
        array = np.asarray(pixels, dtype=np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(array).convert("RGB").save(buffer, "JPEG", quality=92)
    except (ValueError, TypeError) as exc:
        raise _Failure("BadResponse", f"an image is neither base64 nor pixels ({exc})") from None
    return buffer.getvalue()


def _client_message(endpoint: str, code: str, exc: BaseException) -> str:
    detail = str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")) or str(exc)
    log_arn = getattr(exc, "response", {}).get("LogStreamArn")
    if code == "ModelError":
        where = f"; model log: {log_arn}" if log_arn else "; see the endpoint's CloudWatch logs"
        return f"the model failed on this image: {detail}{where}"
    if code in ("ThrottlingException", "Throttling", "TooManyRequestsException"):
        return f"throttled by SageMaker (still after retries): {detail}; try a smaller --count"
    if code in ("ValidationError", "ValidationException"):
        return (f"{detail}; check that endpoint {endpoint!r} exists and is InService in this "
                "region (aws.region) and that width/height suit the model")
    if code == "ModelNotReadyException":
        return f"the endpoint is not ready yet: {detail}; try again in a few minutes"
    return detail
