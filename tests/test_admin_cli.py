"""`kiosk-admin`'s global options and output contract, through the real parser.

--config and --data-dir are honoured by every command, before or after its name;
`pin` says which settings file its line belongs in; a command that offers --json keeps
standard output JSON even when it fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin.cli import build_parser
from kiosk.admin.cli import main as admin_main


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Any:
    """`run(*argv) -> (exit code, stdout, stderr)`."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = admin_main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _config(tmp_path: Path, data_dir: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[app]\ndata_dir = "{data_dir.as_posix()}"\n'
                      f'[recommend]\ncatalog_dir = "{(tmp_path / "cat").as_posix()}"\n')
    return config


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_is_honoured_before_or_after_the_command(run: Any, tmp_path: Path,
                                                          where: str) -> None:
    from_file, wanted = tmp_path / "from-file", tmp_path / "wanted"
    config = _config(tmp_path, from_file)
    from kiosk.events.queue import EventQueue

    wanted.mkdir()
    EventQueue(wanted / "events.sqlite3").close()  # the kiosk's queue (status never makes one)
    flags = ["--config", str(config), "--data-dir", str(wanted)]
    for command in (["events", "status"], ["catalog", "list", "--json"]):
        argv = [*flags, *command] if where == "before" else [*command, *flags]
        code, out, err = run(*argv)
        assert code == 0, err
        json.loads(out)
    assert (wanted / "events.sqlite3").is_file()
    assert (wanted / "pending").is_dir()
    assert not from_file.exists()


def test_every_command_accepts_the_global_options() -> None:
    parser = build_parser()
    leaves = [["pin"], ["events", "status"], ["catalog", "rescan"], ["identity", "export"],
              ["eval", "labels.csv"], ["generate", "--emotion", "calm", "--endpoint", "e"]]
    for leaf in leaves:
        args = parser.parse_args([*leaf, "--config", "k.toml", "--data-dir", "d"])
        assert (args.config, args.data_dir) == ("k.toml", "d"), leaf
        args = parser.parse_args(["--config", "k.toml", *leaf])
        assert (args.config, args.data_dir) == ("k.toml", None), leaf
        for argv in ([*leaf, "--catalog", "c"], ["--catalog", "c", *leaf]):
            assert parser.parse_args(argv).catalog_dir == "c", argv


def test_a_config_file_given_after_the_command_is_read(run: Any, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[vision]\nthreads = -2\n")
    code, _, err = run("events", "status", "--config", str(config))
    assert code == 2
    assert "bad.toml" in err and "vision.threads" in err


def test_pin_names_the_settings_file_it_belongs_in(run: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    config = _config(tmp_path, tmp_path / "d")
    monkeypatch.setattr(sys, "stdin", io.StringIO("2468\n"))
    code, out, _ = run("pin", "--stdin", "--config", str(config))
    assert code == 0
    assert f"[ui] section of {config.resolve()}:" in out
    assert "does not exist" not in out

    default = tmp_path / "xdg-config" / "kiosk" / "kiosk.toml"  # conftest's XDG_CONFIG_HOME
    monkeypatch.setattr(sys, "stdin", io.StringIO("2468\n"))
    code, out, _ = run("pin", "--stdin")
    assert code == 0
    assert f"[ui] section of {default}:" in out
    assert f"{default} does not exist yet" in out


@pytest.mark.parametrize(("pin", "why"), [
    ("0000", "the factory PIN"), ("7777", "one digit repeated"), ("1234", "run in order"),
    ("98765", "run in order"), ("7890", "run in order"), ("2468", ""), ("1357", ""),
])
def test_pin_warns_about_an_easy_pin_and_still_makes_it(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pin: str, why: str) -> None:
    """Tester round 8: `echo 0000 | kiosk-admin pin` took the factory PIN without a word."""
    import io

    from kiosk.config import check_pin

    config = _config(tmp_path, tmp_path / "d")
    monkeypatch.setattr(sys, "stdin", io.StringIO(pin + "\n"))
    code, out, err = run("pin", "--stdin", "--config", str(config))
    assert code == 0
    stored = out.split('admin_pin_hash = "')[1].split('"')[0]
    assert check_pin(pin, stored)
    if why:
        assert "warning: this PIN is easy to guess" in err and why in err
    else:
        assert err == ""


def test_pin_works_where_the_settings_file_is_missing_or_holds_the_pin_itself(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh tester, round 7: `admin_pin_hash = "1234"` is a settings error that says to
    run `kiosk-admin pin`, and `kiosk-admin --config FILE pin` then refused to run with
    that same settings error; a --config FILE not created yet was refused too."""
    import io

    bad = tmp_path / "bad.toml"
    bad.write_text('[ui]\nadmin_pin_hash = "1234"\n')
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    code, out, err = run("--config", str(bad), "pin")
    assert code == 0, err
    assert f"[ui] section of {bad.resolve()}:" in out and 'admin_pin_hash = "pbkdf2' in out
    missing = tmp_path / "new" / "kiosk.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    code, out, err = run("pin", "--config", str(missing))
    assert code == 0, err
    assert f"{missing.resolve()} does not exist yet" in out
    monkeypatch.setenv("KIOSK_CONFIG", str(missing))
    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))
    code, out, err = run("pin")
    assert code == 0 and f"[ui] section of {missing.resolve()}:" in out


def test_pin_without_a_terminal_points_to_stdin(run: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    def no_terminal(prompt: str = "") -> str:
        raise EOFError

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", no_terminal)
    code, out, err = run("pin")
    assert code == 1 and out == ""
    assert "kiosk-admin pin --stdin" in err and "Traceback" not in err


def test_a_piped_pin_is_read_without_stdin_flag(run: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kiosk.config.pin import check_pin

    monkeypatch.setattr(sys, "stdin", io.StringIO("4321\n"))  # echo 4321 | kiosk-admin pin
    code, out, err = run("pin")
    assert code == 0, err
    stored = out.split('admin_pin_hash = "', 1)[1].split('"', 1)[0]
    assert check_pin("4321", stored)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run("pin")
    assert code == 1 and "no PIN on standard input" in err


def test_json_commands_keep_standard_output_json_when_they_fail(run: Any,
                                                                tmp_path: Path) -> None:
    config = _config(tmp_path, tmp_path / "d")
    code, out, err = run("--config", str(config), "catalog", "sync", "s3://x/y", "--json")
    assert code == 1
    assert "bucket" in json.loads(out)["error"] and "bucket" in err
    code, out, err = run("--config", str(config), "generate", "--emotion", "calm",
                         "--endpoint", "e", "--width", "7", "--json")
    assert code == 2
    assert "width 7" in json.loads(out)["error"]


def test_python_dash_m_kiosk_admin_runs_the_admin_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk.admin", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("kiosk-admin ")


@pytest.mark.parametrize("where", ["before", "after"])
def test_catalog_is_the_kiosks_catalog_override(run: Any, tmp_path: Path, where: str) -> None:
    from kiosk.cli import build_parser as kiosk_parser

    # the same option as the kiosk's, for the same setting
    assert "--catalog DIR" in kiosk_parser().format_help()
    assert "--catalog DIR" in build_parser().format_help()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[app]\ndata_dir = "{(tmp_path / "d").as_posix()}"\n'
                      f'[recommend]\ncatalog_dir = "{(tmp_path / "from-file").as_posix()}"\n')
    wanted = tmp_path / "usb"
    (wanted / "calm").mkdir(parents=True)
    flags = ["--config", str(config), "--catalog", str(wanted)]
    command = ["catalog", "rescan", "--json"]
    code, out, err = run(*(flags + command if where == "before" else command + flags))
    assert code == 0, err
    assert json.loads(out)["root"] == str(wanted)


@pytest.mark.parametrize(("typed", "pin"), [
    ("１２３４５", "12345"), ("２４６８", "2468"), ("²³²³", "2323")])
def test_a_pin_typed_in_full_width_digits_is_the_pads_pin(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str, pin: str) -> None:
    """A Korean input method types "１２３４５": str.isdigit took it and the hash was of the
    full-width text, which the PIN pad (0-9) can never enter: the operator was locked out."""
    import io

    from kiosk.config import check_pin

    config = _config(tmp_path, tmp_path / "d")
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed + "\n"))
    code, out, _ = run("pin", "--stdin", "--config", str(config))
    assert code == 0
    stored = out.split('admin_pin_hash = "')[1].split('"')[0]
    assert check_pin(pin, stored)  # old code: the hash of "１２３４５", never typed on the pad


@pytest.mark.parametrize("typed", ["٢٤٦٨", "12a4", "12 34"])
def test_digits_the_pad_cannot_type_are_refused_with_a_message(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    import io

    config = _config(tmp_path, tmp_path / "d")
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed + "\n"))
    code, out, err = run("pin", "--stdin", "--config", str(config))
    assert code == 1 and "admin_pin_hash" not in out  # old code: a hash, or a traceback
    assert "4 to 12 digits" in err and "Traceback" not in err
