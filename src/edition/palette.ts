/**
 * The house palette: the colours a headline may name (`color: red`). Each is defined by its
 * ink on the plate (CMYK, 0–1), which the plate's colour pass sets exactly instead of
 * converting through the press profile (an ICC conversion of a screen red leaves a few
 * percent of cyan or black in it); `rgb` is how the proof and the page show it, and is the
 * value the plate pass recognises. Black is K only, never rich black.
 */
export interface PaletteColour {
  /** Screen colour, 0–255 a channel. Unique in the palette: the plate pass matches on it. */
  rgb: [number, number, number];
  /** Plate ink, 0–1 a channel. */
  cmyk: [number, number, number, number];
}

export const HOUSE_PALETTE = {
  black: { rgb: [0, 0, 0], cmyk: [0, 0, 0, 1] },
  // 报头红: M100 Y100, the usual process red of Chinese dailies; #E60012 is its screen colour.
  red: { rgb: [230, 0, 18], cmyk: [0, 1, 1, 0] },
} as const satisfies Record<string, PaletteColour>;

export type PaletteName = keyof typeof HOUSE_PALETTE;

export const PALETTE_NAMES = Object.keys(HOUSE_PALETTE) as PaletteName[];

/** `--ink-red: rgb(230 0 18)`: the styles name palette colours by these variables. */
export function paletteCssVars(): Record<string, string> {
  return Object.fromEntries(PALETTE_NAMES.map((name) => [`--ink-${name}`, `rgb(${HOUSE_PALETTE[name].rgb.join(' ')})`]));
}
