"""The demo catalog's motifs: for each emotion, its named scenes and their framing.

`MOTIFS[emotion]` lists that emotion's motifs (8 or more each): a tag (the
`<motif>` of the file name `<emotion>-<motif>-NN.jpg`, which the recommender reads
as the image's motif, `kiosk.recommend.variety.motif_of`), the drawing function
(one module per emotion: seeded generator and side in pixels in, RGBA image out)
and its framing: a close-up of one subject, a wide scene, an all-over pattern or a
landscape on a horizon. The generator takes at most `PER_MOTIF` images of each, so
every emotion's 24 images show 8 or more different scenes in several framings, not
one scene in new colours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from kiosk.domain import Emotion
from kiosk.tools.demo_art import (
    angry,
    calm,
    confused,
    disgusted,
    fear,
    happy,
    sad,
    surprised,
)

Framing = Literal["close-up", "wide", "pattern", "horizon"]
PER_MOTIF = 3  # most images of one motif in the bundled catalog


@dataclass(frozen=True)
class Motif:
    """One scene of an emotion: its file-name tag, how it is drawn and framed."""

    tag: str
    draw: Callable[[np.random.Generator, int], Image.Image]
    framing: Framing


MOTIFS: dict[Emotion, tuple[Motif, ...]] = {
    Emotion.HAPPY: (
        Motif("sunburst", happy.sunburst, "horizon"),
        Motif("balloons", happy.balloons, "wide"),
        Motif("meadow", happy.meadow, "wide"),
        Motif("citrus", happy.citrus, "close-up"),
        Motif("kites", happy.kites, "wide"),
        Motif("sunflowers", happy.sunflowers, "close-up"),
        Motif("rainbow", happy.rainbow, "horizon"),
        Motif("beach", happy.beach, "horizon"),
    ),
    Emotion.CALM: (
        Motif("waves", calm.waves, "horizon"),
        Motif("stones", calm.stones, "close-up"),
        Motif("mist-hills", calm.mist_hills, "horizon"),
        Motif("lily-pond", calm.lily_pond, "pattern"),
        Motif("zen-garden", calm.zen_garden, "pattern"),
        Motif("moon-lake", calm.moon_lake, "horizon"),
        Motif("bamboo", calm.bamboo, "close-up"),
        Motif("clouds", calm.clouds, "wide"),
    ),
    Emotion.SURPRISED: (
        Motif("burst", surprised.burst, "close-up"),
        Motif("fireworks", surprised.fireworks, "horizon"),
        Motif("gift", surprised.gift, "close-up"),
        Motif("exclamation", surprised.exclamation, "close-up"),
        Motif("rocket", surprised.rocket, "wide"),
        Motif("popcorn", surprised.popcorn, "close-up"),
        Motif("bubbles", surprised.bubbles, "pattern"),
        Motif("shooting-stars", surprised.shooting_stars, "horizon"),
    ),
    Emotion.SAD: (
        Motif("rain-sea", sad.rain_sea, "horizon"),
        Motif("rainy-window", sad.rainy_window, "close-up"),
        Motif("bare-tree", sad.bare_tree, "wide"),
        Motif("umbrella", sad.umbrella, "wide"),
        Motif("wilted", sad.wilted, "close-up"),
        Motif("leaves", sad.leaves, "pattern"),
        Motif("bench", sad.bench, "wide"),
        Motif("snow-cabin", sad.snow_cabin, "horizon"),
    ),
    Emotion.ANGRY: (
        Motif("shatter", angry.shatter, "close-up"),
        Motif("volcano", angry.volcano, "wide"),
        Motif("flames", angry.flames, "pattern"),
        Motif("lightning", angry.lightning, "wide"),
        Motif("lava-cracks", angry.lava_cracks, "pattern"),
        Motif("scribble", angry.scribble, "close-up"),
        Motif("red-sea", angry.red_sea, "horizon"),
        Motif("thorns", angry.thorns, "close-up"),
    ),
    Emotion.FEAR: (
        Motif("spires", fear.spires, "horizon"),
        Motif("bats", fear.bats, "wide"),
        Motif("corridor", fear.corridor, "wide"),
        Motif("web", fear.web, "close-up"),
        Motif("eyes", fear.eyes, "pattern"),
        Motif("haunted-house", fear.haunted_house, "horizon"),
        Motif("deep-sea", fear.deep_sea, "wide"),
        Motif("candle", fear.candle, "close-up"),
    ),
    Emotion.DISGUSTED: (
        Motif("slime", disgusted.slime, "close-up"),
        Motif("swamp", disgusted.swamp, "horizon"),
        Motif("mould", disgusted.mould, "pattern"),
        Motif("sludge", disgusted.sludge, "wide"),
        Motif("bugs", disgusted.bugs, "pattern"),
        Motif("rotten-apple", disgusted.rotten_apple, "close-up"),
        Motif("rubbish", disgusted.rubbish, "horizon"),
        Motif("worms", disgusted.worms, "pattern"),
    ),
    Emotion.CONFUSED: (
        Motif("colour-clash", confused.colour_clash, "pattern"),
        Motif("maze", confused.maze, "pattern"),
        Motif("adrift", confused.adrift, "wide"),
        Motif("rings", confused.rings, "pattern"),
        Motif("question-marks", confused.question_marks, "pattern"),
        Motif("puzzle", confused.puzzle, "close-up"),
        Motif("signposts", confused.signposts, "horizon"),
        Motif("swirl", confused.swirl, "pattern"),
    ),
}
