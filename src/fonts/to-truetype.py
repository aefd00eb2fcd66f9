"""Write one face of a font (OTF, TTF, TTC or WOFF2) as a plain TrueType-outline TTF.

CFF outlines are turned into quadratic glyf outlines with fontTools' cu2qu (Chromium embeds
CFF fonts as Type 3, which print plants reject). Usage: to-truetype.py SRC FACE_INDEX DST
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

# Largest distance, in font units per 1000 em, between a cubic curve and its quadratic copy.
MAX_ERROR_PER_EM = 1.0


def cff_to_glyf(font):
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    max_error = MAX_ERROR_PER_EM * font["head"].unitsPerEm / 1000
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run anticlockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_error, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    # Format 3 keeps no glyph names: a CJK font's 60 000 names are dead weight in a plate.
    post.formatType = 3.0
    for attr in ("extraNames", "mapping", "glyphOrder"):
        if hasattr(post, attr):
            delattr(post, attr)
    font.sfntVersion = "\x00\x01\x00\x00"


def main(src, index, dst):
    font = TTFont(src, fontNumber=int(index), lazy=False)
    if "CFF2" in font:
        raise SystemExit("CFF2 (variable) outlines cannot be converted; supply a static instance")
    if "CFF " in font:
        cff_to_glyf(font)
    elif "glyf" not in font:
        raise SystemExit("the font has no outlines to convert")
    font.flavor = None
    font.save(dst)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: to-truetype.py SRC FACE_INDEX DST")
    main(*sys.argv[1:])
