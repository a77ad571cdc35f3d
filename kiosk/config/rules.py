"""Rules that span fields, checked at the end of `load_settings`, so the app,
`--self-test` and `kiosk-admin` refuse the same contradictions with the same message:
an endpoint URL without an http(s) scheme and host, identity on without a collection
id, the Personalize back end without a campaign or recommender ARN, a time zone that
is not in the tz database.
`settings_notes` lists what is allowed but worth saying (both ARNs set: which one is
used), for the start-up log and the self-test.
"""

from __future__ import annotations

import urllib.parse

from kiosk.config.pin import pin_hash_problem
from kiosk.config.schema import ConfigError, Settings
from kiosk.config.timezone import zone_problem

ENDPOINT_KEYS = (
    "endpoint_rekognition", "endpoint_personalize_runtime", "endpoint_personalize_events",
    "endpoint_s3", "endpoint_sagemaker_runtime",
)


def endpoint_url_problem(url: str) -> str | None:
    """What is wrong with an endpoint URL, or None when it is a usable http(s) URL
    (`https://host[:port][/path]`). Empty means "AWS's default" and is fine."""
    if not url:
        return None
    if any(ch.isspace() for ch in url):
        return "must not contain spaces"
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https"):
        return (f"needs a scheme, e.g. 'https://{url}' or 'http://{url}'"
                if "://" not in url else "scheme must be http or https")
    if not parsed.hostname:
        return "has no host name; write it as https://HOST[:PORT]"
    try:
        parsed.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "has an invalid port"
    return None


def check_settings(settings: Settings) -> None:
    """Rules that span fields; raises ConfigError listing every problem found."""
    where = settings.source_file or "settings"
    problems: list[str] = []
    for key in ENDPOINT_KEYS:
        url = getattr(settings.aws, key)
        problem = endpoint_url_problem(url)
        if problem:
            problems.append(f"aws.{key} = {url!r}: {problem}")
    fleet_url = settings.fleet.endpoint_url
    if endpoint_url_problem(fleet_url):
        problems.append(f"fleet.endpoint_url = {fleet_url!r}: {endpoint_url_problem(fleet_url)}")
    if settings.identity.enabled and not settings.identity.collection_id.strip():
        problems.append("identity.enabled = true needs identity.collection_id (the Rekognition "
                        "face collection); set it, or set identity.enabled = false")
    zone = settings.analytics.timezone
    zone_trouble = zone_problem(zone)
    if zone_trouble:
        problems.append(f"analytics.timezone = {zone!r}: {zone_trouble}")
    pin_trouble = pin_hash_problem(settings.ui.admin_pin_hash)
    if pin_trouble:
        problems.append(f"ui.admin_pin_hash = (not shown): {pin_trouble}")
    p = settings.personalize
    if settings.recommend.backend == "personalize" and not (
        p.campaign_arn.strip() or p.recommender_arn.strip()
    ):
        problems.append("recommend.backend = 'personalize' needs personalize.campaign_arn or "
                        "personalize.recommender_arn; set one, or set recommend.backend = "
                        "'embedded'")
    if problems:  # the first problem's key, so a file's line can be found
        first = problems[0].split(" ", 1)[0]
        raise ConfigError(f"{where}: " + "; ".join(problems), key=first)


def settings_notes(settings: Settings) -> list[str]:
    """Allowed but worth telling the operator (start-up log, self-test WARN lines)."""
    notes: list[str] = []
    p = settings.personalize
    if settings.recommend.backend == "personalize" and p.campaign_arn and p.recommender_arn:
        notes.append(f"both personalize.campaign_arn and personalize.recommender_arn are set: "
                     f"the recommender {p.recommender_arn} is used, the campaign is ignored")
    bucket = settings.analytics.bucket_min
    if settings.fleet.enabled and 60 % bucket:
        fits = ", ".join(str(m) for m in range(1, 61) if 60 % m == 0)
        notes.append(f"analytics.bucket_min = {bucket} does not divide an hour: the fleet "
                     f"template build/aws/fleet.yaml (BucketMinutes) takes {fits}, and its "
                     f"alarms' period must equal bucket_min; choose one of those")
    return notes
