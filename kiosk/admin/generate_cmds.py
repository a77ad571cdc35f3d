"""`kiosk-admin generate --emotion E --count N --endpoint NAME`: make emotion images with
Stable Diffusion on an Amazon SageMaker endpoint and put them in the pending pool for
review (`kiosk-admin catalog list`, then `approve` / `reject`, or the admin panel).

Prompts come from `resources/prompts/emotions.toml` (or `--prompts FILE`). Every
image is reported as it arrives; a partial run keeps what it made. Exit 0 when all
images were made, 1 when some or none were, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.admin.catalog_cmds import OPERATOR_ERRORS, emotion_arg
from kiosk.config import Settings
from kiosk.curation.generate import Generator, ImageFailure, Options
from kiosk.curation.locations import open_catalog
from kiosk.curation.pool import PendingImage, PendingPool
from kiosk.domain import Emotion


def register(subparsers: Any) -> None:
    """Add the `generate` command to the admin cli's subparsers."""
    p = subparsers.add_parser(
        "generate", help="make emotion images with Stable Diffusion on SageMaker",
        description="Generate images with a SageMaker JumpStart Stable Diffusion endpoint "
                    "into the pending pool.",
    )
    p.add_argument("--emotion", type=emotion_arg, required=True,
                   help="emotion: " + ", ".join(e.folder for e in Emotion))
    p.add_argument("--count", type=_count, default=4, help="images to make (1–50, default 4)")
    p.add_argument("--endpoint", required=True, metavar="NAME", help="SageMaker endpoint name")
    p.add_argument("--seed", type=int, help="first seed (image i uses seed + i): reproducible")
    p.add_argument("--width", type=int, default=512, help="pixels, multiple of 8 (default 512)")
    p.add_argument("--height", type=int, default=512, help="pixels, multiple of 8 (default 512)")
    p.add_argument("--steps", type=int, default=50, help="inference steps (default 50)")
    p.add_argument("--guidance", type=float, default=7.5, help="guidance scale (default 7.5)")
    p.add_argument("--negative-prompt", help="replace the prompts file's negative prompt")
    p.add_argument("--prompts", metavar="FILE", help="prompts file (default: the bundled one)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_generate)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError("--count is from 1 to 50")
    return value


def _error(args: argparse.Namespace, text: str) -> None:
    print(f"error: {text}", file=sys.stderr)
    if args.json:  # standard output stays JSON for scripts
        print(json.dumps({"error": text}, ensure_ascii=False))


def cmd_generate(args: argparse.Namespace) -> int:
    settings = getattr(args, "settings", None)
    settings = settings if isinstance(settings, Settings) else Settings()
    try:
        options = Options(width=args.width, height=args.height, steps=args.steps,
                          guidance=args.guidance, seed=args.seed,
                          negative_prompt=args.negative_prompt)
    except ValueError as exc:
        _error(args, str(exc))
        return 2

    def progress(index: int, result: PendingImage | ImageFailure) -> None:
        if args.json:
            return
        if isinstance(result, PendingImage):
            print(f"made     {index + 1}/{args.count} → pending {result.id} "
                  f"({result.source_name})", flush=True)
        else:
            print(f"failed   {index + 1}/{args.count}: {result.code}: {result.message}",
                  flush=True)

    catalog = None
    try:
        catalog = open_catalog(settings)
        with PendingPool.from_settings(settings, catalog) as pool:
            generator = Generator.from_settings(settings, pool, args.prompts)
            report = generator.generate(args.emotion, args.count, args.endpoint, options,
                                        progress=progress)
    except OPERATOR_ERRORS as exc:
        _error(args, str(exc))
        return 1
    finally:
        if catalog is not None:
            catalog.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        if report.aborted:
            print(f"stopped early: {report.aborted}")
        print(f"{len(report.made)} of {report.requested} image(s) made for "
              f"{report.emotion.folder}; review them with `kiosk-admin catalog list` "
              "or on the admin panel")
    return 0 if report.ok else 1
