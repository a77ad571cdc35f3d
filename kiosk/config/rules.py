"""Rules that span fields, checked at the end of `load_settings`, so the app,
`--self-test` and `kiosk-admin` refuse the same contradictions with the same message:
an endpoint URL without an http(s) scheme and host, identity on without a collection
id, the Personalize back end without a campaign or recommender ARN, an ARN that is not a
Personalize ARN of its kind (`kiosk.config.arn`), a time zone that is not in the tz
database. Each problem names where its values came from (`Settings.origins`).
`settings_notes` lists what is allowed but worth saying (both ARNs set: which one is
used), for the start-up log and the self-test.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

from kiosk.config.arn import arn_problems
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


_LATER = {"command line": 3, "environment": 2}  # the file: 1, not set: 0


def origin_of(settings: Settings, key: str) -> str:
    """Where `key`'s value came from: the file's path, "environment", "command line";
    "default" when it was not set (and `settings.source_file` or "settings" for
    settings built without `load_settings`, which records no origins)."""
    origin = settings.origins.get(key)
    if origin:
        return origin
    return "default" if settings.origins else (settings.source_file or "settings")


def _blamed(settings: Settings, keys: tuple[str, ...]) -> str:
    """Of the `keys` a problem involves, the one set last (command line, then environment,
    then the file): the value that made it a problem, whose origin heads the message."""
    def rank(key: str) -> int:
        origin = settings.origins.get(key)
        return _LATER.get(origin, 1) if origin else 0
    return max(keys, key=rank)  # the first of equals


def _located(settings: Settings, key: str, lines: Mapping[str, int]) -> str:
    """`origin_of(key)`, with ", line N" for a key of the file at line N."""
    origin = origin_of(settings, key)
    line = lines.get(key) if origin == settings.source_file else None
    return f"{origin}, line {line}" if line else origin


def _where_each(settings: Settings, keys: tuple[str, ...], lines: Mapping[str, int]) -> str:
    """" (recommend.backend from /etc/kiosk.toml, line 2; personalize.campaign_arn = ''
    from command line; personalize.recommender_arn not set)" for a problem spanning
    `keys`; "" when the values set came from one place (the message is headed by it)."""
    if len({settings.origins[key] for key in keys if key in settings.origins}) < 2:
        return ""
    said = []
    for key in keys:
        if not settings.origins.get(key):
            said.append(f"{key} not set")
            continue
        section, _, name = key.partition(".")
        value = getattr(getattr(settings, section), name)
        shown = f" = {value!r}" if value in ("", False) else ""
        said.append(f"{key}{shown} from {_located(settings, key, lines)}")
    return f" ({'; '.join(said)})"


def check_settings(settings: Settings, lines: Mapping[str, int] | None = None) -> None:
    """Rules that span fields; raises ConfigError listing every problem found, each
    headed by where its value came from (`origin_of`): the file (then `file` is set, so
    the loader adds the line of `key`), "environment" or "command line". `lines`: the
    file's keys' line numbers, for the problems after the first."""
    lines = lines or {}
    problems: list[tuple[tuple[str, ...], str]] = []  # (keys involved, text)
    for key in ENDPOINT_KEYS:
        url = getattr(settings.aws, key)
        problem = endpoint_url_problem(url)
        if problem:
            problems.append(((f"aws.{key}",), f"aws.{key} = {url!r}: {problem}"))
    fleet_url = settings.fleet.endpoint_url
    if endpoint_url_problem(fleet_url):
        problems.append((("fleet.endpoint_url",), f"fleet.endpoint_url = {fleet_url!r}: "
                         f"{endpoint_url_problem(fleet_url)}"))
    for key, problem in arn_problems(settings):
        problems.append(((key,), problem))
    if settings.identity.enabled and not settings.identity.collection_id.strip():
        keys: tuple[str, ...] = ("identity.enabled", "identity.collection_id")
        problems.append((keys, "identity.enabled = true needs identity.collection_id (the "
                         "Rekognition face collection); set it, or set identity.enabled = "
                         "false" + _where_each(settings, keys, lines)))
    zone = settings.analytics.timezone
    zone_trouble = zone_problem(zone)
    if zone_trouble:
        problems.append((("analytics.timezone",), f"analytics.timezone = {zone!r}: "
                         f"{zone_trouble}"))
    pin_trouble = pin_hash_problem(settings.ui.admin_pin_hash)
    if pin_trouble:
        problems.append((("ui.admin_pin_hash",),
                         f"ui.admin_pin_hash = (not shown): {pin_trouble}"))
    p = settings.personalize
    if settings.recommend.backend == "personalize" and not (
        p.campaign_arn.strip() or p.recommender_arn.strip()
    ):
        keys = ("recommend.backend", "personalize.campaign_arn", "personalize.recommender_arn")
        problems.append((keys, "recommend.backend = 'personalize' needs "
                         "personalize.campaign_arn or personalize.recommender_arn; set one, "
                         "or set recommend.backend = 'embedded'"
                         + _where_each(settings, keys, lines)))
    if not problems:
        return
    first = _blamed(settings, problems[0][0])  # ConfigError.line: the loader finds it
    parts = [f"{origin_of(settings, first)}: {problems[0][1]}"]
    for keys, text in problems[1:]:
        parts.append(f"{_located(settings, _blamed(settings, keys), lines)}: {text}")
    in_file = bool(settings.source_file) and origin_of(settings, first) == settings.source_file
    raise ConfigError("; ".join(parts), key=first,
                      file=settings.source_file if in_file else None)


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
