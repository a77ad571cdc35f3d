"""Can the catalog sync list its bucket? (`--self-test`)

One ListObjectsV2 (MaxKeys 1) of `[sync] url`, the call every sync starts with, on
`[aws] endpoint_s3` when set. It downloads nothing.
"""

from __future__ import annotations

from typing import Any

from kiosk.aws import AwsError, make_client
from kiosk.aws.probe import Reach, probe, trouble
from kiosk.config import Settings
from kiosk.curation.errors import SyncError
from kiosk.curation.s3sync import parse_s3_url


def sync_reach(settings: Settings, client: Any = None) -> tuple[str, str]:
    """(PASS/WARN/FAIL, detail) for `[sync] url`; `client`: a test's stubbed client."""
    url = settings.sync.url
    if not url:
        return "PASS", "off ([sync] url empty)"
    try:
        loc = parse_s3_url(url)
        client = client or make_client("s3", settings.aws)
    except (SyncError, AwsError) as exc:
        return "FAIL", f"[sync] url / aws.endpoint_s3: {exc}"
    periodic = ("" if settings.sync.interval_min > 0 else
                "; periodic sync off ([sync] interval_min = 0): `kiosk-admin catalog sync` "
                "uses it")
    found = probe(lambda: client.list_objects_v2(Bucket=loc.bucket, Prefix=loc.prefix,
                                                 MaxKeys=1))
    if found.reach is Reach.OK:
        if not found.result.get("KeyCount", len(found.result.get("Contents", []))):
            return "WARN", (f"{loc.url} can be listed but holds nothing: a sync brings no "
                            f"images; check [sync] url{periodic}")
        return "PASS", f"{loc.url} can be listed and holds images{periodic}"
    if found.reach is Reach.DENIED:
        return "FAIL", (f"access denied listing {loc.url} ({found.code}); the kiosk's "
                        f"credentials need s3:ListBucket on arn:aws:s3:::{loc.bucket} and "
                        f"s3:GetObject on arn:aws:s3:::{loc.bucket}/{loc.prefix}*")
    if found.code == "NoSuchBucket":
        return "FAIL", (f"bucket {loc.bucket!r} does not exist (or is in another account); "
                        f"check [sync] url = {url!r}")
    return trouble(found, f"{loc.url} ({client.meta.endpoint_url})",
                   "the catalog stays as it is until it works",
                   "aws.endpoint_s3 and [sync] url")
