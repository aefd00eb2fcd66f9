// subset-font and fontverter ship no types; these cover what presswork calls (subset-font: only the test that our harfbuzz subsets are its bytes).
declare module 'subset-font' {
  export default function subsetFont(
    font: Buffer | Uint8Array,
    text: string,
    options?: { targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'; keepFeatures?: string[] },
  ): Promise<Buffer>;
}

declare module 'fontverter' {
  export function convert(font: Buffer | Uint8Array, to: 'sfnt' | 'truetype' | 'woff' | 'woff2'): Promise<Buffer>;
  export function detectFormat(font: Buffer | Uint8Array): string;
}
