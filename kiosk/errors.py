"""The kiosk's base exception; each package derives its own from it."""


class KioskError(Exception):
    """An error with a message a store operator can act on."""
