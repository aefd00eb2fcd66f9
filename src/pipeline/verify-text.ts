import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface StoryText {
  story: string;
  /** The page the story starts on. */
  page: string;
  /** Every page the story's parts landed on, in reading order. */
  pages: string[];
  text: string;
  /** Text the report already counts as overset; it is expected to be absent. */
  oversetText: string;
}

export interface VerifyResult {
  missingChars: number;
  stories: { story: string; page: string; missing: number; firstMissing: string }[];
}

/** Whitespace-free, NFKC-normalised: the PDF's spacing and ligatures are not content. */
export function comparable(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b\u2060\u00ad]+/g, '');
}

export async function extractPageTexts(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: pdf.slice(), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const texts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await doc.destroy();
  return texts;
}

const CHUNK = 8;

/**
 * Every character of every story must appear in the PDF text of its pages, in order.
 * The story is checked in short chunks; a chunk not found after the previous match is
 * missing. This is the guard against pagination silently dropping text.
 */
export async function verifyPdfText(pdf: Uint8Array, pageIds: string[], stories: StoryText[]): Promise<VerifyResult> {
  const pageTexts = (await extractPageTexts(pdf)).map(comparable);
  const result: VerifyResult = { missingChars: 0, stories: [] };
  for (const story of stories) {
    const pages = story.pages.length > 0 ? story.pages : [story.page];
    const haystack = pages.map((id) => pageTexts[pageIds.indexOf(id)] ?? '').join('');
    let expected = comparable(story.text);
    const overset = comparable(story.oversetText);
    if (overset && expected.endsWith(overset)) expected = expected.slice(0, -overset.length);
    let at = 0;
    let missing = 0;
    let firstMissing = '';
    for (let i = 0; i < expected.length; i += CHUNK) {
      const chunk = expected.slice(i, i + CHUNK);
      const found = haystack.indexOf(chunk, at);
      if (found >= 0) {
        at = found + chunk.length;
      } else {
        missing += chunk.length;
        firstMissing ||= expected.slice(i, i + 40);
      }
    }
    if (missing > 0) {
      result.missingChars += missing;
      result.stories.push({ story: story.story, page: story.page, missing, firstMissing });
    }
  }
  return result;
}
