"""Command line of the `kiosk` app: flags become settings overrides."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="Touchscreen kiosk: reads the visitor's emotion on-device and "
        "recommends images for it. `kiosk admin …` runs the operator's commands "
        "(the same as kiosk-admin).",
    )
    p.add_argument("--config", metavar="FILE", help="settings file (TOML); else $KIOSK_CONFIG, "
                   "else the platform config folder")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--kiosk", dest="kiosk_mode", action="store_true", default=None,
                      help="exhibit mode: frameless fullscreen, on top, cursor hidden")
    mode.add_argument("--windowed", dest="kiosk_mode", action="store_false",
                      help="a normal window (the default on a desktop)")
    p.add_argument("--camera", metavar="SOURCE",
                   help="device index (0, 1, …), a video file or a folder of images")
    p.add_argument("--language", choices=("en", "ko"), help="user-interface language")
    p.add_argument("--data-dir", metavar="DIR", help="folder for the databases")
    p.add_argument("--catalog", metavar="DIR", help="catalog folder (<catalog>/<emotion>/<file>)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override any setting, e.g. --set vision.threads=2 (repeatable)")
    p.add_argument("--print-config", action="store_true",
                   help="print the effective settings (secrets redacted) and exit")
    p.add_argument("--self-test", action="store_true",
                   help="check settings, resources, models, data folder and camera; exit 0/1")
    p.add_argument("--quit-after", type=float, metavar="SECONDS",
                   help="quit by itself after SECONDS (smoke tests)")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    return p


def overrides_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Flags → `section.key` overrides (validated later by the schema)."""
    out: dict[str, Any] = {}
    if args.kiosk_mode is not None:
        out["app.kiosk_mode"] = args.kiosk_mode
    if args.camera is not None:
        out["camera.source"] = args.camera
    if args.language is not None:
        out["app.language"] = args.language
    if args.data_dir is not None:
        out["app.data_dir"] = args.data_dir
    if args.catalog is not None:
        out["recommend.catalog_dir"] = args.catalog
    for item in args.sets:
        key, sep, value = item.partition("=")
        if not sep or "." not in key:
            raise SystemExit(f"kiosk: --set expects SECTION.KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out
