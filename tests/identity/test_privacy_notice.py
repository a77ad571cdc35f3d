"""The privacy notice says what is sent, to whom and when, for every combination of
the cloud settings (issue 18: identity on must never read "Nothing is sent"; tester
round 21: nor the fleet's visit totals going to CloudWatch)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from kiosk.ui.i18n import install_translator
from kiosk.ui.privacy import PrivacyNotice

FLAGS = ("cloud_fallback", "identity", "personalize_recommend", "personalize_events", "fleet")


@pytest.fixture
def notice(qtbot: QtBot) -> Iterator[PrivacyNotice]:
    widget = PrivacyNotice()
    qtbot.addWidget(widget)
    widget.resize(800, 200)
    yield widget


@pytest.mark.parametrize("on", list(itertools.product((False, True), repeat=len(FLAGS))))
def test_every_combination_names_what_goes_where(
    notice: PrivacyNotice, on: tuple[bool, ...]
) -> None:
    flags = dict(zip(FLAGS, on, strict=True))
    notice.set_flags({**flags, "retention_days": 30})
    text = notice.text()
    assert "on this device" in text and "No image is stored" in text
    assert ("When the device is unsure, a face crop may be sent to Amazon Rekognition"
            in text) is flags["cloud_fallback"]
    assert ("Only if you agree to be remembered, a face crop is sent once to Amazon "
            "Rekognition" in text) is flags["identity"]
    assert ("your mood and a random ID are sent to Amazon Personalize" in text) is (
        flags["personalize_recommend"])
    assert ("Your likes and the images shown are sent to Amazon Personalize" in text) is (
        flags["personalize_events"])
    others = any(on[:4])
    assert ("Only visit totals go to the cloud (Amazon CloudWatch), never an image."
            in text) is (flags["fleet"] and not others)
    assert ("Visit totals are sent to Amazon CloudWatch (AWS)." in text) is (
        flags["fleet"] and others)
    assert ("Nothing is sent to the cloud" in text) is (not any(on))


def test_identity_says_how_long_the_face_vector_is_kept(notice: PrivacyNotice) -> None:
    notice.set_flags({"identity": True, "retention_days": 7})
    assert "for 7 day(s)" in notice.text() or "for 7 days" in notice.text()
    notice.set_flags({"identity": True, "retention_days": 1})
    assert "for 1 day" in notice.text()


def test_korean_has_every_sentence(qtbot: QtBot, qapp: QCoreApplication,
                                   notice: PrivacyNotice) -> None:
    notice.set_flags(dict.fromkeys(FLAGS, True))
    english = notice.text()
    assert install_translator(qapp, "ko")
    try:
        QCoreApplication.processEvents()
        notice.retranslate()
        korean = notice.text()
        assert korean != english
        assert "Amazon Personalize(AWS)" in korean and "Amazon Rekognition(AWS)" in korean
        assert "방문 합계는 Amazon CloudWatch(AWS)로 보내요." in korean
        notice.set_flags({"fleet": True})
        assert "클라우드(Amazon CloudWatch)로는 방문 합계만 보내고, 이미지는 보내지 않아요." \
            in notice.text()
        assert "30일" in korean
    finally:
        install_translator(qapp, "en")
        QCoreApplication.processEvents()
