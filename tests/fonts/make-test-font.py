"""Make a small real font for the tests from BabelStone Han's outlines.

  make-test-font.py ttf|cff OUT CHARS FAMILY [FSTYPE]

`ttf` keeps TrueType (glyf) outlines; `cff` redraws them as CFF (an OTTO font, what
Chromium prints as Type 3 unless presswork converts it). The family and PostScript names
are FAMILY, so the tests can find the font in pdffonts.
"""
import sys

from fontTools import subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

SOURCE = "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"


def subset_font(chars):
    font = TTFont(SOURCE)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    return font


def rename(font, family):
    ps = family.replace(" ", "") + "-Regular"
    name = font["name"]
    name.names = []
    for nid, value in ((1, family), (2, "Regular"), (3, ps), (4, family), (6, ps)):
        name.setName(value, nid, 3, 1, 0x409)
    return ps


def as_cff(font, family):
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    charstrings = {}
    for glyph in order:
        pen = T2CharStringPen(glyphs[glyph].width, glyphs)
        glyphs[glyph].draw(pen)
        charstrings[glyph] = pen.getCharString()
    ps = family.replace(" ", "") + "-Regular"
    fb = FontBuilder(font["head"].unitsPerEm, isTTF=False)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(font.getBestCmap())
    fb.setupCFF(ps, {"FullName": family, "FamilyName": family}, charstrings, {})
    fb.setupHorizontalMetrics({g: font["hmtx"][g] for g in order})
    hhea = font["hhea"]
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    fb.setupNameTable({"familyName": family, "styleName": "Regular", "psName": ps})
    fb.setupOS2(sTypoAscender=hhea.ascent, sTypoDescender=hhea.descent, usWinAscent=hhea.ascent, usWinDescent=-hhea.descent)
    fb.setupPost()
    return fb.font


def main(kind, out, chars, family, fs_type="0"):
    font = subset_font(chars)
    rename(font, family)
    if kind == "cff":
        font = as_cff(font, family)
    font["OS/2"].fsType = int(fs_type, 0)
    font.save(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
