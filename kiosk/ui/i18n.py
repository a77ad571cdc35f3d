"""Loading the UI translation (`resources/translations/kiosk_<language>.qm`).

The source strings are English, so "en" needs no file. The Korean catalogue is
`kiosk_ko.ts`; after changing UI strings (kiosk/ui, and the operator's catalog
messages in kiosk/controllers/curation.py), refresh and compile it with

    .venv/bin/pyside6-lupdate kiosk/ui/*.py kiosk/controllers/curation.py \
        -ts resources/translations/kiosk_ko.ts
    .venv/bin/pyside6-lrelease resources/translations/kiosk_ko.ts

Hangul needs a CJK font on the machine (Debian: `fonts-noto-cjk`); without one
Qt falls back to whatever font has the glyphs, or shows boxes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.resources import ResourceError, resource_path

log = logging.getLogger(__name__)

TRANSLATOR_NAME = "kiosk-translator"
SOURCE_LANGUAGE = "en"


def installed_translator(app: QCoreApplication) -> QTranslator | None:
    for child in app.findChildren(QTranslator):
        if child.objectName() == TRANSLATOR_NAME:
            return child
    return None


def remove_translator(app: QCoreApplication) -> None:
    old = installed_translator(app)
    if old is not None:
        app.removeTranslator(old)
        old.setParent(None)
        old.deleteLater()


def install_translator(app: QCoreApplication, language: str) -> bool:
    """Make `language` the UI language; True when it is now in effect.

    "en" removes any installed translation. Another language loads
    `kiosk_<language>.qm`; when that is missing or unreadable the UI stays in
    English, a warning is logged, and False is returned. Widgets retranslate on
    the `LanguageChange` event Qt sends when translators change."""
    language = language.strip().lower()
    remove_translator(app)
    if language in ("", SOURCE_LANGUAGE):
        return True
    try:
        path = resource_path("translations", f"kiosk_{language}.qm")
    except ResourceError as exc:
        log.warning("no %s translation, the UI stays in English: %s", language, exc)
        return False
    translator = QTranslator(app)
    translator.setObjectName(TRANSLATOR_NAME)
    if not translator.load(str(path)):
        log.warning("could not load the translation %s; the UI stays in English", path)
        translator.setParent(None)
        return False
    app.installTranslator(translator)
    log.info("UI language: %s (%s)", language, path.name)
    return True
