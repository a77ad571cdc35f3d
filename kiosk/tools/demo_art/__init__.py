"""The demo catalog's procedural art: 8 motifs (scenes) for each emotion.

`MOTIFS[emotion]` (`motifs`) names each motif, its drawing function and framing;
the scenes live in one module per emotion (`happy`, `calm`, … ), drawn with the
shared colour and layer helpers of `paint` and shape helpers of `shapes`. Each
emotion has its own palette, shapes and motion language. Only numpy and Pillow
are used; `kiosk.tools.make_demo_catalog` renders and saves the catalog.
"""

from kiosk.tools.demo_art.motifs import MOTIFS, PER_MOTIF, Motif

__all__ = ["MOTIFS", "PER_MOTIF", "Motif"]
