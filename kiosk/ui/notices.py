"""What visitors read when something goes wrong: short, friendly, translated.

Technical detail (an exception, a file path, a config key, "camera 0 not found
(backend auto)…") never reaches a visitor screen. The wording here is what they
see instead; the detail goes to the log and to the admin panel ("Camera" tile
and "Last problem"). Text meant for visitors is marked by wrapping it in
`VisitorText`; `MainWindow.show_message` replaces anything else with
`something_went_wrong()` while a visitor screen is showing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate

class VisitorText(str):
    """A string written for visitors (translated, no internals): shown as is."""

    __slots__ = ()


def camera_starting() -> VisitorText:
    """The camera tile while the camera opens."""
    return VisitorText(translate("Notices", "Starting the camera…"))


def like_not_saved() -> VisitorText:
    return VisitorText(translate("Notices", "Your like could not be saved. Please try again."))


def earlier_like_not_saved() -> VisitorText:
    """A like whose page was replaced while it was being saved (Next during a lock):
    its card is gone, so the notice must not read as about a card on screen."""
    return VisitorText(translate("Notices", "A like on an earlier page could not be saved."))


def likes_unavailable() -> VisitorText:
    """A like failed for a cause that a retry cannot fix (the disk is full, the queue
    read-only): no "try again", which would fail every time. It asks the visitor to
    tell staff rather than saying staff know: the log and the admin panel's Disk tile
    say it, but nobody is alerted unless fleet alarms are set up."""
    return VisitorText(translate("Notices", "Likes can't be saved right now. Please "
                                            "tell a member of staff."))


def page_not_shown() -> VisitorText:
    """Next (or another mood, "For you") could not bring new images: the catalog folder
    went away, or none of its images could be read."""
    return VisitorText(translate("Notices", "No new images could be shown just now. "
                                            "Please try again in a moment."))


def something_went_wrong() -> VisitorText:
    return VisitorText(translate("Notices", "Something went wrong. Please try again."))


def no_camera() -> VisitorText:
    """The camera tile of a kiosk with no camera on purpose (no fault to apologise for)."""
    return VisitorText(translate("Notices", "No camera here: you choose your mood."))


def camera_off() -> VisitorText:
    """The camera tile (and a toast) while the camera is lost or off."""
    return VisitorText(translate("Notices", "The camera is taking a break. You can pick your "
                                            "mood instead."))

