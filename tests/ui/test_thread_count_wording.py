"""The vision device line says "1 thread", never "1 threads", in English and Korean:
in the log and self-test line, and on the admin panel."""

from __future__ import annotations

from kiosk.ui.admin_status import device_name
from kiosk.vision.device import threads_text


def test_device_line_is_singular_for_one_thread() -> None:
    assert (threads_text(1), threads_text(4)) == ("1 thread", "4 threads")


def test_admin_panel_says_1_thread_and_2_threads() -> None:
    assert device_name("cpu, 1 thread") == "Processor (CPU) · 1 thread"
    assert device_name("cpu, 1 threads") == "Processor (CPU) · 1 thread"  # an older line
    assert device_name("cpu, 2 threads") == "Processor (CPU) · 2 threads"


def test_admin_panel_thread_count_in_korean(korean: None) -> None:
    assert device_name("cpu, 1 thread").endswith("스레드 1개")
    assert device_name("cpu, 8 threads").endswith("스레드 8개")
