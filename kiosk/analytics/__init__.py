"""Local audience analytics: time buckets of visits, dwell, emotion mix, pages and
likes, and of the kiosk's health, in SQLite under the data folder.

No per-person rows, no visit ids, no images; anything that could describe fewer than
k visits is merged into a longer bucket or suppressed. See `recorder` for the rules,
`store` for the database, `report` for the numbers `kiosk-admin report` prints.
No Qt here: the app feeds the recorder from its slots.
"""

from kiosk.analytics.bucket import BucketStats, Mix
from kiosk.analytics.recorder import Recorder
from kiosk.analytics.store import AnalyticsError, AnalyticsStore

__all__ = ["AnalyticsError", "AnalyticsStore", "BucketStats", "Mix", "Recorder"]
