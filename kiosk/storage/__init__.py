"""Storage helpers shared by every package that keeps a file: the one way to open a
SQLite store (`kiosk.storage.sqlite`), and the steps of rolling one back for an older
build (`kiosk.storage.downgrade`)."""

from kiosk.storage.sqlite import (
    NewerStoreError,
    NotADatabaseError,
    ReadOnlyStoreError,
    Schema,
    Step,
    StoreBusyError,
    StoreError,
    StoreOpenError,
    WalUnavailableError,
    connect,
    migrate,
    open_store,
    translate,
    user_version,
    write_refused,
)

__all__ = [
    "NewerStoreError", "NotADatabaseError", "ReadOnlyStoreError", "Schema", "Step",
    "StoreBusyError", "StoreError", "StoreOpenError", "WalUnavailableError", "connect",
    "migrate", "open_store", "translate", "user_version", "write_refused",
]
