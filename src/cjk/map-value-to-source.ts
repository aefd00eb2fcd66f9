const ENTITY = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/**
 * For each boundary of a parsed `value` (0..value.length), the offset in `source` (the
 * Markdown it came from) where it starts. Parsing drops escapes (`\,`), decodes entities
 * (`&amp;`) and strips container prefixes (`> `, list indentation); a greedy alignment
 * recovers those. It never throws: where it cannot align it stays put, so a position may
 * then be a little early, never out of the slice.
 */
export function mapValueToSource(value: string, source: string): number[] {
  const map: number[] = [];
  let j = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    const entity = source[j] === '&' ? ENTITY.exec(source.slice(j, j + 40)) : null;
    if (entity && !value.startsWith(entity[0], i)) {
      map.push(j);
      // An astral character from one reference fills two UTF-16 units of the value.
      if (isHighSurrogate(char) && i + 1 < value.length) {
        map.push(j);
        i++;
      }
      j += entity[0].length;
    } else if (source[j] === char) {
      map.push(j++);
    } else if (source[j] === '\\' && source[j + 1] === char) {
      map.push(j);
      j += 2;
    } else {
      const found = source.indexOf(char, j);
      map.push(found < 0 ? Math.min(j, source.length) : found);
      if (found >= 0) j = found + 1;
    }
  }
  map.push(Math.min(j, source.length));
  return map;
}

function isHighSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff;
}
