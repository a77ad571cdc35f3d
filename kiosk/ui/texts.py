"""Translated wording that depends on an emotion.

Whole sentences per emotion, not a name pasted into a template: Korean (and
most languages) inflect the adjective, so "Because you look %1" cannot be
translated well. Each call translates at call time, so a language switch shows
at once after `retranslate`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.domain import Emotion

translate = QCoreApplication.translate


def emotion_name(emotion: Emotion) -> str:
    """Short name for a label or a mood tile: "Happy"."""
    names = {
        Emotion.HAPPY: translate("Emotion", "Happy"),
        Emotion.SAD: translate("Emotion", "Sad"),
        Emotion.ANGRY: translate("Emotion", "Angry"),
        Emotion.CONFUSED: translate("Emotion", "Confused"),
        Emotion.DISGUSTED: translate("Emotion", "Disgusted"),
        Emotion.SURPRISED: translate("Emotion", "Surprised"),
        Emotion.CALM: translate("Emotion", "Calm"),
        Emotion.FEAR: translate("Emotion", "Scared"),
    }
    return names[emotion]


def because_you_look(emotion: Emotion) -> str:
    """The main screen's headline in emotion mode: "Because you look happy"."""
    lines = {
        Emotion.HAPPY: translate("Emotion", "Because you look happy"),
        Emotion.SAD: translate("Emotion", "Because you look a little sad"),
        Emotion.ANGRY: translate("Emotion", "Because you look upset"),
        Emotion.CONFUSED: translate("Emotion", "Because you look puzzled"),
        Emotion.DISGUSTED: translate("Emotion", "Because something seems off"),
        Emotion.SURPRISED: translate("Emotion", "Because you look surprised"),
        Emotion.CALM: translate("Emotion", "Because you look calm"),
        Emotion.FEAR: translate("Emotion", "Because you look uneasy"),
    }
    return lines[emotion]


def because_you_chose(emotion: Emotion) -> str:
    """The headline after the visitor picked a mood by hand: "Because you feel happy"."""
    lines = {
        Emotion.HAPPY: translate("Emotion", "Because you feel happy"),
        Emotion.SAD: translate("Emotion", "Because you feel a little sad"),
        Emotion.ANGRY: translate("Emotion", "Because you feel upset"),
        Emotion.CONFUSED: translate("Emotion", "Because you feel puzzled"),
        Emotion.DISGUSTED: translate("Emotion", "Because you feel put off"),
        Emotion.SURPRISED: translate("Emotion", "Because you feel surprised"),
        Emotion.CALM: translate("Emotion", "Because you feel calm"),
        Emotion.FEAR: translate("Emotion", "Because you feel uneasy"),
    }
    return lines[emotion]


def percent(value: float) -> str:
    """A confidence as "87 %" (the translation decides the spacing)."""
    return translate("Emotion", "%1 %").replace("%1", str(round(value * 100)))
