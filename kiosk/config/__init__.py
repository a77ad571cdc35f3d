"""Typed, validated settings: one declarative schema, read from a TOML file, then
`KIOSK_<SECTION>_<KEY>` environment variables, then command-line overrides.

| module | one job |
|---|---|
| `schema` | the sections, their fields with docs and bounds, `Settings` and its paths |
| `loader` | file, environment and overrides into `Settings`; the unknown-name policy |
| `rules` | rules that span fields, checked at the end of loading; notes worth logging |
| `arn` | the Personalize ARNs' shape (at load) and region against `aws.region` (self-test) |
| `output` | the effective settings as TOML (`--print-config`), secrets redacted |
| `pin` | the admin PIN's salted hash |
| `toml_hint`, `encoding_hint` | what to say about a TOML syntax error / a file not in UTF-8 |

Every public name is importable from `kiosk.config`.

Credentials never live here: boto3's standard chain provides them. The admin PIN
is stored as a salted hash (`ui.admin_pin_hash`, see `hash_pin`).
"""

from kiosk.config.arn import (
    ARN_KEYS,
    Arn,
    arn_problem,
    arn_problems,
    arn_region_mismatches,
    parse_arn,
)
from kiosk.config.loader import (
    apply_values,
    default_config_path,
    find_key_line,
    load_settings,
    peek_setting,
    read_text,
    read_text_bytes,
    settings_path,
)
from kiosk.config.output import describe, toml_value
from kiosk.config.pin import FACTORY_PIN, check_pin, hash_pin, is_factory_pin
from kiosk.config.rules import (
    ENDPOINT_KEYS,
    check_settings,
    endpoint_url_problem,
    origin_of,
    settings_notes,
)
from kiosk.config.schema import (
    APP_NAME,
    ENV_PREFIX,
    SECTIONS,
    AnalyticsSettings,
    AppSettings,
    AwsSettings,
    CameraSettings,
    ConfigError,
    EventsSettings,
    FleetSettings,
    IdentitySettings,
    PersonalizeSettings,
    RecommendSettings,
    RekognitionSettings,
    Settings,
    SyncSettings,
    UiSettings,
    VisionSettings,
    schema_docs,
    setting,
)

__all__ = [
    "APP_NAME", "ARN_KEYS", "ENDPOINT_KEYS", "ENV_PREFIX", "FACTORY_PIN", "SECTIONS",
    "AnalyticsSettings", "AppSettings", "Arn", "AwsSettings", "CameraSettings", "ConfigError",
    "EventsSettings", "FleetSettings", "IdentitySettings", "PersonalizeSettings",
    "RecommendSettings", "RekognitionSettings", "Settings", "SyncSettings", "UiSettings",
    "VisionSettings", "apply_values", "arn_problem", "arn_problems", "arn_region_mismatches",
    "check_pin", "check_settings", "default_config_path", "describe", "endpoint_url_problem",
    "find_key_line", "hash_pin", "is_factory_pin", "load_settings", "origin_of", "parse_arn",
    "peek_setting", "read_text", "read_text_bytes", "schema_docs", "setting", "settings_notes",
    "settings_path", "toml_value",
]
