"""What the queue stores and how it becomes a Personalize request.

A `Record` is one queued row: its kind, its id (the event id for events, so a resend
is recognisably the same event), the batch group it may share a call with, and the
request-list entry itself as JSON. Entries are built and validated here, at record
time, against the `personalize-events` model's limits, so what reaches the uploader
is always a valid request: an invalid detail (a reserved property key, a too-long
recommendation id, a 26th impression) is dropped with a warning rather than losing the
like with it.

Builders: `like_record`, `impression_record`, `user_record`, `item_record`.
Requests: `put_events_request`, `put_users_request`, `put_items_request`, `build_request`.
"""

from __future__ import annotations

import enum
import json
import logging
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.domain import Emotion, Item, Like

log = logging.getLogger(__name__)

MAX_BATCH = 10  # eventList / users / items: at most 10 per call
MAX_IMPRESSION = 25
MAX_ID = 256
MAX_RECOMMENDATION_ID = 40
MAX_EVENT_PROPERTIES = 1024
MAX_USER_PROPERTIES = 24_000
MAX_ITEM_PROPERTIES = 32_000
RESERVED_EVENT_KEYS = frozenset(
    {"userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression"}
)
DEFAULT_IMPRESSION_EVENT_TYPE = "view"


class RecordKind(enum.StrEnum):
    """What a queued row is; `operation` is the Personalize call that carries it."""

    EVENT = "event"  # an interaction (a like)
    IMPRESSION = "impression"  # a page shown without an interaction
    USER = "user"
    ITEM = "item"
    METRIC = "metric"  # CloudWatch datums of the fleet metrics queue (kiosk.fleet)

    @property
    def operation(self) -> str:
        return _OPERATIONS[self]


EVENT_KINDS = (RecordKind.EVENT, RecordKind.IMPRESSION, RecordKind.USER, RecordKind.ITEM)
"""What the event queue holds (the fleet's metrics queue holds `METRIC` rows only)."""

_OPERATIONS = {
    RecordKind.EVENT: "PutEvents",
    RecordKind.IMPRESSION: "PutEvents",
    RecordKind.USER: "PutUsers",
    RecordKind.ITEM: "PutItems",
    RecordKind.METRIC: "PutMetricData",
}


@dataclass(frozen=True, slots=True)
class Record:
    """One queued row. `body` is the eventList/users/items entry, JSON-ready (`sentAt`
    as epoch seconds); `group` is the batch key: rows with equal groups may share one
    call (PutEvents: same sessionId and userId)."""

    kind: RecordKind
    record_id: str
    body: Mapping[str, Any]
    session_id: str = ""
    user_id: str | None = None
    created_at: float = field(default_factory=time.time)

    @property
    def group(self) -> str:
        return group_key(self.kind, self.session_id, self.user_id)


def group_key(kind: RecordKind, session_id: str = "", user_id: str | None = None) -> str:
    if kind.operation == "PutEvents":
        return f"events\x1f{session_id}\x1f{user_id or ''}"
    return kind.operation


# --------------------------------------------------------------------------- builders


def like_record(like: Like, event_type: str = "like") -> Record:
    """The PutEvents entry of a like, stamped with the like's own id and tap time."""
    body = _event_body(
        event_id=like.event_id,
        event_type=event_type,
        sent_at=like.sent_at,
        item_id=_require_id(like.item_id, "itemId"),
        properties={**dict(like.properties), "emotion": like.emotion},
        impression=like.impression,
        recommendation_id=like.recommendation_id,
    )
    return Record(
        RecordKind.EVENT,
        body["eventId"],
        body,
        session_id=_require_id(like.visit_id, "sessionId"),
        user_id=_optional_id(like.user_id, "userId"),
        created_at=like.sent_at,
    )


def impression_record(
    visit_id: str,
    impression: Sequence[str],
    *,
    emotion: Emotion | None = None,
    user_id: str | None = None,
    recommendation_id: str | None = None,
    event_type: str = DEFAULT_IMPRESSION_EVENT_TYPE,
    event_id: str | None = None,
    sent_at: float | None = None,
) -> Record:
    """A page shown without a like: a PutEvents entry with `impression` and no `itemId`
    (the model makes itemId optional). The first records evicted when the queue is full."""
    sent_at = time.time() if sent_at is None else sent_at
    body = _event_body(
        event_id=event_id or str(uuid.uuid4()),
        event_type=event_type,
        sent_at=sent_at,
        item_id=None,
        properties={"emotion": emotion} if emotion is not None else {},
        impression=impression,
        recommendation_id=recommendation_id,
    )
    if "impression" not in body:
        raise ValueError("an impression record needs at least one item id")
    return Record(
        RecordKind.IMPRESSION,
        body["eventId"],
        body,
        session_id=_require_id(visit_id, "sessionId"),
        user_id=_optional_id(user_id, "userId"),
        created_at=sent_at,
    )


def user_record(
    user_id: str, emotion: Emotion, properties: Mapping[str, Any] | None = None
) -> Record:
    """A PutUsers entry: a new visitor with their emotion (the AWS sample's users)."""
    props = _properties_json({**dict(properties or {}), "emotion": emotion}, MAX_USER_PROPERTIES)
    body: dict[str, Any] = {"userId": _require_id(user_id, "userId")}
    if props:
        body["properties"] = props
    # user_id is kept in its column (not for grouping: PutUsers batches any users)
    # so that "Forget me" can find the record before it is uploaded.
    return Record(RecordKind.USER, str(uuid.uuid4()), body, user_id=user_id)


def item_record(
    item: Item, properties: Mapping[str, Any] | None = None, now: float | None = None
) -> Record:
    """A PutItems entry: a catalog addition with its emotion and creation timestamp."""
    added = item.added_at or (time.time() if now is None else now)
    values = {**dict(properties or {}), "emotion": item.emotion, "creationTimestamp": int(added)}
    body = {
        "itemId": _require_id(item.id, "itemId"),
        "properties": _properties_json(values, MAX_ITEM_PROPERTIES),
    }
    return Record(RecordKind.ITEM, str(uuid.uuid4()), body)


def _event_body(
    *,
    event_id: str,
    event_type: str,
    sent_at: float,
    item_id: str | None,
    properties: Mapping[str, Any],
    impression: Iterable[str],
    recommendation_id: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "eventId": _require_id(event_id, "eventId"),
        "eventType": _require_id(event_type, "eventType"),
        "sentAt": float(sent_at),
    }
    if item_id is not None:
        body["itemId"] = item_id
    props = _properties_json(
        {k: v for k, v in properties.items() if not _reserved(k, event_id)},
        MAX_EVENT_PROPERTIES,
    )
    if props:
        body["properties"] = props
    shown = _impression(impression, event_id)
    if shown:
        body["impression"] = shown
    if recommendation_id:
        if len(recommendation_id) <= MAX_RECOMMENDATION_ID:
            body["recommendationId"] = recommendation_id
        else:
            log.warning("event %s: recommendationId longer than %d characters dropped",
                        event_id, MAX_RECOMMENDATION_ID)
    return body


def _reserved(key: str, event_id: str) -> bool:
    if camel_case(key).lower() in RESERVED_EVENT_KEYS:
        log.warning("event %s: property %r is reserved by PutEvents; dropped", event_id, key)
        return True
    return False


def _impression(ids: Iterable[str], event_id: str) -> list[str]:
    shown = [i for i in ids if i and len(i) <= MAX_ID]
    if len(shown) > MAX_IMPRESSION:
        log.warning("event %s: impression of %d items cut to the first %d",
                    event_id, len(shown), MAX_IMPRESSION)
        shown = shown[:MAX_IMPRESSION]
    return shown


def _require_id(value: str, name: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID:
        raise ValueError(f"{name} must be a string of 1 to {MAX_ID} characters, got {value!r}")
    return value


def _optional_id(value: str | None, name: str) -> str | None:
    return _require_id(value, name) if value else None


# --------------------------------------------------------------------------- properties


def camel_case(key: str) -> str:
    """`EMOTION` → `emotion`, `number_of_ratings` → `numberOfRatings`, `numberOfRatings`
    unchanged: Personalize matches property keys to schema fields in camel case."""
    if "_" in key or key.isupper():
        parts = [p for p in key.lower().split("_") if p]
        return parts[0] + "".join(p.capitalize() for p in parts[1:]) if parts else key
    return key[:1].lower() + key[1:]


def _properties_json(values: Mapping[str, Any], limit: int) -> str:
    """The properties map as the JSON string the API takes; values that are not
    JSON scalars are written as text, enums as their value, None dropped."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif not isinstance(value, str | int | float | bool):
            value = str(value)
        out[camel_case(key)] = value
    if not out:
        return ""
    text = json.dumps(out, ensure_ascii=False)
    if len(text) > limit and "emotion" in out:
        log.warning("properties longer than %d characters; keeping only the emotion", limit)
        text = json.dumps({"emotion": out["emotion"]})
    if len(text) > limit:
        raise ValueError(f"properties JSON longer than {limit} characters")
    return text


# --------------------------------------------------------------------------- requests


def put_events_request(
    tracking_id: str, session_id: str, user_id: str | None, bodies: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """PutEvents parameters for up to 10 stored entries of one session and user."""
    _check_batch(bodies)
    request: dict[str, Any] = {"trackingId": tracking_id, "sessionId": session_id}
    if user_id:
        request["userId"] = user_id
    request["eventList"] = [
        {**body, "sentAt": datetime.fromtimestamp(float(body["sentAt"]), tz=UTC)}
        for body in bodies
    ]
    return request


def put_users_request(dataset_arn: str, bodies: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    _check_batch(bodies)
    return {"datasetArn": dataset_arn, "users": [dict(b) for b in bodies]}


def put_items_request(dataset_arn: str, bodies: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    _check_batch(bodies)
    return {"datasetArn": dataset_arn, "items": [dict(b) for b in bodies]}


@dataclass(frozen=True, slots=True)
class Targets:
    """Where each operation goes; an empty value means that kind is not uploaded."""

    tracking_id: str = ""
    dataset_arn_users: str = ""
    dataset_arn_items: str = ""

    def sendable(self) -> tuple[RecordKind, ...]:
        kinds: list[RecordKind] = []
        if self.tracking_id:
            kinds += [RecordKind.EVENT, RecordKind.IMPRESSION]
        if self.dataset_arn_users:
            kinds.append(RecordKind.USER)
        if self.dataset_arn_items:
            kinds.append(RecordKind.ITEM)
        return tuple(kinds)


def build_request(
    operation: str,
    targets: Targets,
    bodies: Sequence[Mapping[str, Any]],
    session_id: str = "",
    user_id: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """(boto3 method name, parameters) for one batch."""
    if operation == "PutEvents":
        return "put_events", put_events_request(targets.tracking_id, session_id, user_id, bodies)
    if operation == "PutUsers":
        return "put_users", put_users_request(targets.dataset_arn_users, bodies)
    if operation == "PutItems":
        return "put_items", put_items_request(targets.dataset_arn_items, bodies)
    raise ValueError(f"unknown operation {operation!r}")


def _check_batch(bodies: Sequence[Mapping[str, Any]]) -> None:
    if not 1 <= len(bodies) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} records, got {len(bodies)}")
