import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The article on the page: the first story file named in edition.yaml under that page. */
export async function articleOf(editionDir: string, pageId: string): Promise<string> {
  const yaml = await readFile(join(editionDir, 'edition.yaml'), 'utf8');
  const block = yaml.split(/\n\s*- id: /).find((b) => b.startsWith(pageId));
  const file = block && /file:\s*(\S+\.md)/.exec(block)?.[1];
  if (!file) throw new Error(`No article found for page ${pageId}; pass --article`);
  return join(editionDir, file);
}

/** Append a marker to the first body paragraph (after front matter, not a directive or heading). */
export function withMarker(text: string, marker: string): string {
  const lines = text.split('\n');
  let inFrontMatter = lines[0] === '---';
  for (let i = 1; i < lines.length; i++) {
    if (inFrontMatter) {
      if (lines[i] === '---') inFrontMatter = false;
      continue;
    }
    const line = lines[i]!;
    if (line.trim().length > 20 && !/^\s*([:#!>|*-]|\d+\.)/.test(line)) {
      lines[i] = `${marker}${line}`;
      return lines.join('\n');
    }
  }
  throw new Error('No body paragraph to edit');
}
