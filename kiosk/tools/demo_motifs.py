"""The demo catalog's motifs: for each emotion, its named scenes and their framing.

`MOTIFS[emotion]` lists that emotion's motifs (8 or more each): a tag (the
`<motif>` of the file name `<emotion>-<motif>-NN.jpg`, which the recommender reads
as the image's motif, `kiosk.recommend.variety.motif_of`), the drawing function
(`demo_art`, `demo_scenes_light`, `demo_scenes_dark`: seeded generator and side in
pixels in, RGBA image out) and its framing: a close-up of one subject, a wide
scene, an all-over pattern or a landscape on a horizon. The generator takes at
most `PER_MOTIF` images of each, so every emotion's 24 images show 8 or more
different scenes in several framings, not one scene in new colours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from kiosk.domain import Emotion
from kiosk.tools import demo_art as art
from kiosk.tools import demo_scenes_dark as dark
from kiosk.tools import demo_scenes_light as light

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
        Motif("sunburst", art.happy, "horizon"),
        Motif("balloons", art.balloons, "wide"),
        Motif("meadow", art.flowers, "wide"),
        Motif("citrus", art.citrus, "close-up"),
        Motif("kites", art.kites, "wide"),
        Motif("sunflowers", light.sunflowers, "close-up"),
        Motif("rainbow", light.rainbow, "horizon"),
        Motif("beach", light.beach, "horizon"),
    ),
    Emotion.CALM: (
        Motif("waves", art.calm, "horizon"),
        Motif("stones", art.stones, "close-up"),
        Motif("mist-hills", art.mist_hills, "horizon"),
        Motif("lily-pond", art.lily_pond, "pattern"),
        Motif("zen-garden", light.zen_sand, "pattern"),
        Motif("moon-lake", light.moon_lake, "horizon"),
        Motif("bamboo", light.bamboo, "close-up"),
        Motif("clouds", light.clouds, "wide"),
    ),
    Emotion.SURPRISED: (
        Motif("burst", art.surprised, "close-up"),
        Motif("fireworks", art.fireworks, "horizon"),
        Motif("gift", art.gift, "close-up"),
        Motif("exclamation", art.pop_dots, "close-up"),
        Motif("rocket", light.rocket, "wide"),
        Motif("popcorn", light.popcorn, "close-up"),
        Motif("bubbles", light.bubbles, "pattern"),
        Motif("shooting-stars", light.shooting_stars, "horizon"),
    ),
    Emotion.SAD: (
        Motif("rain-sea", art.sad, "horizon"),
        Motif("rainy-window", art.rainy_window, "close-up"),
        Motif("bare-tree", art.bare_tree, "wide"),
        Motif("umbrella", art.umbrella, "wide"),
        Motif("wilted", art.wilted, "close-up"),
        Motif("leaves", light.autumn_leaves, "pattern"),
        Motif("bench", light.empty_bench, "wide"),
        Motif("snow-cabin", light.snowfall, "horizon"),
    ),
    Emotion.ANGRY: (
        Motif("shatter", art.angry, "close-up"),
        Motif("volcano", art.volcano, "wide"),
        Motif("flames", art.flames, "pattern"),
        Motif("lightning", art.storm, "wide"),
        Motif("lava-cracks", dark.cracked_earth, "pattern"),
        Motif("scribble", dark.scribble, "close-up"),
        Motif("red-sea", dark.red_sea, "horizon"),
        Motif("thorns", dark.thorns, "close-up"),
    ),
    Emotion.FEAR: (
        Motif("spires", art.fear, "horizon"),
        Motif("bats", art.bats_moon, "wide"),
        Motif("corridor", art.corridor, "wide"),
        Motif("web", art.web, "close-up"),
        Motif("eyes", dark.eyes_dark, "pattern"),
        Motif("haunted-house", dark.haunted_house, "horizon"),
        Motif("deep-sea", dark.deep_sea, "wide"),
        Motif("candle", dark.candle, "close-up"),
    ),
    Emotion.DISGUSTED: (
        Motif("slime", art.disgusted, "close-up"),
        Motif("swamp", art.swamp, "horizon"),
        Motif("mould", art.mould, "pattern"),
        Motif("sludge", art.sludge, "wide"),
        Motif("bugs", dark.bugs, "pattern"),
        Motif("rotten-apple", dark.rotten_fruit, "close-up"),
        Motif("rubbish", dark.garbage, "horizon"),
        Motif("worms", dark.worms, "pattern"),
    ),
    Emotion.CONFUSED: (
        Motif("colour-clash", art.confused, "pattern"),
        Motif("maze", art.maze, "pattern"),
        Motif("adrift", art.shapes_adrift, "wide"),
        Motif("rings", art.rings, "pattern"),
        Motif("question-marks", dark.question_marks, "pattern"),
        Motif("puzzle", dark.puzzle, "close-up"),
        Motif("signposts", dark.signposts, "horizon"),
        Motif("swirl", dark.warped_checker, "pattern"),
    ),
}
