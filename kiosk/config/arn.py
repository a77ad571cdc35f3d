"""Amazon Personalize ARNs in the settings: their shape, checked when the settings load
(`arn_problems`: "campaign-test", an S3 ARN or a filter ARN given as the campaign are
settings errors), and their region against `aws.region` (`arn_region_mismatches`, for
`--self-test`: the kiosk asks Personalize in `aws.region`, where an ARN of another
region does not exist).

No network: only the text is checked; whether the resource exists is AWS's to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.config.schema import Settings

# section.key -> the resource type its ARN names
ARN_KEYS = {
    "personalize.campaign_arn": "campaign",
    "personalize.recommender_arn": "recommender",
    "personalize.filter_arn": "filter",
    "personalize.dataset_arn_users": "dataset",
    "personalize.dataset_arn_items": "dataset",
}
# the ARNs the kiosk sends to personalize-runtime; the dataset ARNs go to personalize-events
RUNTIME_KEYS = ("personalize.campaign_arn", "personalize.recommender_arn",
                "personalize.filter_arn")

_PARTITION_RE = re.compile(r"aws(-[a-z]+)*")  # aws, aws-cn, aws-us-gov, ...
_REGION_RE = re.compile(r"[a-z]{2,5}(-[a-z]+)+-\d+")
_ACCOUNT_RE = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """`arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE/NAME` split up; None when `text` does
    not have that shape."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    resource_type, slash, resource = parts[5].partition("/")
    if not slash:
        resource_type, resource = "", parts[5]
    return Arn(parts[1], parts[2], parts[3], parts[4], resource_type, resource)


def arn_problem(text: str, kind: str) -> str | None:
    """What is wrong with `text` as the ARN of a Personalize `kind` (campaign,
    recommender, filter, dataset); None when it has the right shape (or is empty:
    not set)."""
    if not text:
        return None
    example = f"arn:aws:personalize:REGION:ACCOUNT:{kind}/NAME"
    copy = f"copy the {kind}'s ARN from the Amazon Personalize console ({example})"
    if any(ch.isspace() for ch in text):
        return f"must not contain spaces; {copy}"
    arn = parse_arn(text)
    if arn is None:
        return f"is not an ARN; {copy}"
    if arn.service != "personalize":
        return f"is an ARN of {arn.service or 'no service'}, not of Amazon Personalize; {copy}"
    if arn.resource_type != kind:
        found = arn.resource_type or "no resource type"
        owner = [key for key, its in ARN_KEYS.items() if its == arn.resource_type]
        where = f" (it belongs in {' or '.join(owner)})" if owner else ""
        return f"is a {found} ARN, not a {kind} ARN{where}; {copy}"
    if not _PARTITION_RE.fullmatch(arn.partition):
        return f"partition {arn.partition!r} is not aws, aws-cn, aws-us-gov, ...; {copy}"
    if not _REGION_RE.fullmatch(arn.region):
        return f"region {arn.region!r} is not a region name such as us-east-1; {copy}"
    if not _ACCOUNT_RE.fullmatch(arn.account):
        return f"account {arn.account!r} is not a 12-digit account id; {copy}"
    if not arn.resource:
        return f"names no {kind}; {copy}"
    return None


def arn_problems(settings: Settings) -> list[tuple[str, str]]:
    """(key, "key = 'value': what is wrong") for each ARN setting of the wrong shape."""
    problems = []
    for key, kind in ARN_KEYS.items():
        value = getattr(settings.personalize, key.partition(".")[2])
        problem = arn_problem(value, kind)
        if problem:
            problems.append((key, f"{key} = {value!r}: {problem}"))
    return problems


def arn_region_mismatches(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, the ARN's region, its endpoint key) for each ARN setting whose region is not
    `aws.region` (none when `aws.region` is empty: boto3's default chain decides)."""
    region = settings.aws.region
    if not region:
        return []
    found = []
    for key in ARN_KEYS:
        arn = parse_arn(getattr(settings.personalize, key.partition(".")[2]))
        if arn is not None and arn.region != region:
            endpoint = ("aws.endpoint_personalize_runtime" if key in RUNTIME_KEYS
                        else "aws.endpoint_personalize_events")
            found.append((key, arn.region, endpoint))
    return found
