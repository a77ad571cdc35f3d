"""kiosk: a touchscreen kiosk that recommends images for the emotion it sees."""

__version__ = "0.1.0"
