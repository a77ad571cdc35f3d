"""Image generation through botocore's Stubber: the JumpStart request, real PNG/JPEG
images in the response, per-image throttling and model errors, partial runs."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from PIL import Image

from kiosk.admin.cli import main as admin_main
from kiosk.curation import generate as gen
from kiosk.curation.errors import GenerationError
from kiosk.curation.generate import Generator, Options, load_prompts
from kiosk.curation.pool import PendingPool
from kiosk.domain import Emotion

from .conftest import image_bytes

ENDPOINT = "jumpstart-sd-2-1-base"


@pytest.fixture
def client() -> Iterator[Any]:
    sm = boto3.client("sagemaker-runtime", region_name="us-east-1")
    yield sm
    sm.close()


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def requests(client: Any) -> list[dict[str, Any]]:
    """The parameters of every InvokeEndpoint call, as sent."""
    sent: list[dict[str, Any]] = []
    client.meta.events.register("before-parameter-build.sagemaker-runtime.InvokeEndpoint",
                                lambda params, **_: sent.append(dict(params)))
    return sent


def answer(*images: bytes) -> dict[str, Any]:
    raw = json.dumps({
        "generated_images": [base64.b64encode(i).decode("ascii") for i in images],
        "prompt": "…",
    }).encode()
    return {"Body": StreamingBody(io.BytesIO(raw), len(raw)), "ContentType": "application/json",
            "InvokedProductionVariant": "AllTraffic"}


def generator(client: Any, pool: PendingPool, **kwargs: Any) -> Generator:
    kwargs.setdefault("backoff_s", 0.0)
    return Generator(client, pool, load_prompts(), **kwargs)


def test_request_is_the_jumpstart_payload_and_images_land_in_the_pool(
    client: Any, stubber: Stubber, requests: list[dict[str, Any]], pool: PendingPool
) -> None:
    png = image_bytes(512, 512, fmt="PNG", seed=1)
    jpeg = image_bytes(512, 512, fmt="JPEG", seed=2)
    stubber.add_response("invoke_endpoint", answer(png))
    stubber.add_response("invoke_endpoint", answer(jpeg))
    report = generator(client, pool).generate(
        Emotion.CALM, 2, ENDPOINT, Options(seed=7, steps=30, guidance=8.0))

    assert report.ok and report.failed == () and report.aborted == ""
    prompts = load_prompts()
    for n, params in enumerate(requests):
        assert params["EndpointName"] == ENDPOINT
        assert params["ContentType"] == "application/json"
        assert params["Accept"] == "application/json;jpeg"
        body = json.loads(params["Body"])
        assert body == {
            "prompt": prompts[Emotion.CALM].prompt,
            "negative_prompt": prompts[Emotion.CALM].negative_prompt,
            "width": 512, "height": 512, "num_images_per_prompt": 1,
            "num_inference_steps": 30, "guidance_scale": 8.0, "seed": 7 + n,
        }
    assert len(requests) == 2
    made = pool.entries()
    assert [m.id for m in made] == [m.id for m in report.made]
    assert [Path(m.path).read_bytes() for m in made] == [png, jpeg]
    assert made[0].source_name.endswith("-01.png") and made[1].source_name.endswith("-02.jpg")
    assert {m.origin for m in made} == {"generate"} and {m.emotion for m in made} == {
        Emotion.CALM}
    assert made[1].meta["seed"] == 8 and made[1].meta["endpoint"] == ENDPOINT
    with Image.open(made[0].path) as image:
        assert image.size == (512, 512)


def test_throttling_is_reported_per_image_and_the_run_keeps_what_it_made(
    client: Any, stubber: Stubber, pool: PendingPool
) -> None:
    stubber.add_response("invoke_endpoint", answer(image_bytes(512, 512, fmt="PNG")))
    stubber.add_client_error("invoke_endpoint", service_error_code="ThrottlingException",
                             service_message="Rate exceeded", http_status_code=400)
    stubber.add_response("invoke_endpoint", answer(image_bytes(512, 512, fmt="PNG")))
    seen: list[Any] = []
    report = generator(client, pool, throttle_retries=0).generate(
        Emotion.HAPPY, 3, ENDPOINT, progress=lambda i, r: seen.append((i, r)))

    assert len(report.made) == 2 and not report.ok and report.aborted == ""
    (failure,) = report.failed
    assert (failure.index, failure.code, failure.stage) == (1, "ThrottlingException", "invoke")
    assert "throttled by SageMaker" in failure.message and "Rate exceeded" in failure.message
    assert len(pool) == 2
    assert [i for i, _ in seen] == [0, 1, 2]
    assert report.to_dict()["failed"][0]["code"] == "ThrottlingException"


def test_throttling_is_retried_before_it_counts(client: Any, stubber: Stubber,
                                                pool: PendingPool) -> None:
    stubber.add_client_error("invoke_endpoint", service_error_code="ThrottlingException",
                             http_status_code=400)
    stubber.add_response("invoke_endpoint", answer(image_bytes(512, 512, fmt="PNG")))
    report = generator(client, pool, throttle_retries=1).generate(Emotion.SAD, 1, ENDPOINT)
    assert report.ok and len(pool) == 1


def test_model_errors_are_reported_and_a_validation_error_stops_the_run(
    client: Any, stubber: Stubber, pool: PendingPool
) -> None:
    log_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x"
    stubber.add_response("invoke_endpoint", answer(image_bytes(512, 512, fmt="PNG")))
    stubber.add_client_error(
        "invoke_endpoint", service_error_code="ModelError", http_status_code=424,
        service_message="Received server error (500) from primary",
        modeled_fields={"OriginalStatusCode": 500, "LogStreamArn": log_arn},
    )
    stubber.add_client_error("invoke_endpoint", service_error_code="ValidationError",
                             service_message="Endpoint x of account y not found.",
                             http_status_code=400)
    report = generator(client, pool).generate(Emotion.FEAR, 5, ENDPOINT)

    assert len(report.made) == 1 and len(pool) == 1
    model, invalid = report.failed
    assert (model.index, model.code) == (1, "ModelError")
    assert "the model failed on this image" in model.message and log_arn in model.message
    assert (invalid.index, invalid.code) == (2, "ValidationError")
    assert f"check that endpoint '{ENDPOINT}' exists" in invalid.message
    assert report.aborted.startswith("ValidationError")  # images 4 and 5 never asked for


def test_bad_answers_and_duplicates_are_per_image(client: Any, stubber: Stubber,
                                                  pool: PendingPool) -> None:
    png = image_bytes(512, 512, fmt="PNG", seed=9)
    raw = b'{"unexpected": true}'
    stubber.add_response("invoke_endpoint", {"Body": StreamingBody(io.BytesIO(raw), len(raw))})
    stubber.add_response("invoke_endpoint", answer(png))
    stubber.add_response("invoke_endpoint", answer(png))  # the same image again
    report = generator(client, pool).generate(Emotion.ANGRY, 3, ENDPOINT)
    codes = [(f.index, f.code, f.stage) for f in report.failed]
    assert codes == [(0, "BadResponse", "invoke"), (2, "Rejected:duplicate", "pool")]
    assert len(report.made) == 1


def test_three_endpoint_failures_in_a_row_stop_the_run(client: Any, stubber: Stubber,
                                                       pool: PendingPool) -> None:
    for _ in range(3):
        stubber.add_client_error("invoke_endpoint", service_error_code="ModelError",
                                 http_status_code=424)
    report = generator(client, pool).generate(Emotion.ANGRY, 10, ENDPOINT)
    assert len(report.failed) == 3 and "3 images failed in a row" in report.aborted


def test_the_bundled_prompts_follow_the_art_direction() -> None:
    prompts = load_prompts()
    assert set(prompts) == set(Emotion)
    for emotion, prompt in prompts.items():
        assert "abstract" in prompt.prompt, emotion
        for banned in ("person", "face", "text", "letters", "watermark"):
            assert banned in prompt.negative_prompt, (emotion, banned)
        assert len(prompt.prompt.split()) < 60  # CLIP reads about 77 tokens


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[happy]\nprompt = 'x'\n", "no prompt for sad"),
        ("[joy]\nprompt = 'x'\n", "unknown section [joy]"),
        ("[happy]\nprompt = ''\n", "needs a non-empty prompt"),
        ("[happy]\nprompt = 'x'\nstyle = 'y'\n", "unknown keys ['style']"),
        ("[happy\n", "not valid TOML"),
    ],
)
def test_prompts_file_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(GenerationError, match=message.replace("[", r"\[")):
        load_prompts(path)


def test_a_prompts_file_not_in_utf8_says_to_save_it_as_utf8(tmp_path: Path) -> None:
    """Saved by Notepad as "Unicode" (UTF-16): old code said only "not valid TOML:
    'utf-8' codec can't decode byte 0xff…" (tester round 10, for the settings file)."""
    path = tmp_path / "p.toml"
    path.write_bytes("[happy]\nprompt = 'x'\n".encode("utf-16"))
    with pytest.raises(GenerationError) as err:
        load_prompts(path)
    assert str(err.value).startswith(f"{path}: not UTF-8 text (it is UTF-16")
    assert "save it as UTF-8" in str(err.value) and "codec" not in str(err.value)


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        Options(width=500)
    with pytest.raises(ValueError, match="steps"):
        Options(steps=0)


def test_cli_generate(client: Any, stubber: Stubber, tmp_path: Path, data_dir: Path,
                      catalog_root: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    stubber.add_response("invoke_endpoint", answer(image_bytes(512, 512, fmt="PNG")))
    stubber.add_client_error("invoke_endpoint", service_error_code="ThrottlingException",
                             http_status_code=400)
    stubber.add_client_error("invoke_endpoint", service_error_code="ThrottlingException",
                             http_status_code=400)
    stubber.add_client_error("invoke_endpoint", service_error_code="ThrottlingException",
                             http_status_code=400)
    made_with: list[Any] = []

    def fake_make_client(service: str, aws: Any) -> Any:
        made_with.append((service, aws.read_timeout_s))
        return client

    monkeypatch.setattr(gen, "make_client", fake_make_client)
    monkeypatch.setattr(gen.Generator, "__init__", _no_backoff(gen.Generator.__init__))
    monkeypatch.setattr("kiosk.admin.cli.COMMAND_MODULES", ("kiosk.admin.generate_cmds",))
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[app]\ndata_dir = "{data_dir.as_posix()}"\n'
                      f'[recommend]\ncatalog_dir = "{catalog_root.as_posix()}"\n')
    code = admin_main(["--config", str(config), "generate", "--emotion", "surprised",
                       "--count", "2", "--endpoint", ENDPOINT, "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 1  # one of two made
    assert made_with == [("sagemaker-runtime", gen.INVOKE_TIMEOUT_S)]
    lines = out.splitlines()
    assert lines[0].startswith("made     1/2 → pending ")
    assert lines[1].startswith("failed   2/2: ThrottlingException: throttled by SageMaker")
    assert lines[-1].startswith("1 of 2 image(s) made for surprised")


def _no_backoff(init: Any) -> Any:
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["backoff_s"] = 0.0
        init(self, *args, **kwargs)

    return wrapped
