"""The kiosk's back end: recommendations, likes, curation and status as one object
that the `kiosk-recommend` and `kiosk-events` worker threads drive. No Qt: the
worker bridges (`kiosk.workers`) run it, the controllers (`kiosk.controllers`) use
its results.

* `kiosk_backend.py`: `KioskBackend` (which method runs on which thread, and why);
* `seams.py`: the protocols it needs (`Recommender`, `Queue`, `UploaderControl`);
* `results.py`: what it hands back (`PageResult`, `LikeResult`, `Thumbnail`).
"""

from kiosk.backend.kiosk_backend import KioskBackend
from kiosk.backend.results import LikeResult, PageResult, Thumbnail
from kiosk.backend.seams import Queue, Recommender, UploaderControl

__all__ = ["KioskBackend", "LikeResult", "PageResult", "Queue", "Recommender", "Thumbnail",
           "UploaderControl"]
