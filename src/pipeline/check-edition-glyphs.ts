import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { VFile } from 'vfile';
import { createOffsetLocator } from '../cjk/create-offset-locator.js';
import type { FontChains } from '../fonts/font-chain.js';
import { checkSpan, type Span } from '../markdown/remark-font-coverage.js';

/**
 * The text edition.yaml puts on the pages (the paper's name in the masthead, the sponsor,
 * section names and credits in the folio) checked against the fonts where it was typed,
 * like the articles: a character from a later font is an info, one no font has an error.
 */
export function checkEditionGlyphs(file: VFile, chains: FontChains): void {
  const source = String(file.value ?? '');
  const doc = parseDocument(source, { logLevel: 'silent' });
  const spans: Span[] = [];
  const add = (node: unknown, role: string) => {
    if (isScalar(node) && typeof node.value === 'string' && node.range) spans.push({ start: node.range[0], end: node.range[1], role });
  };
  const credits = (node: unknown) => {
    if (isMap(node)) for (const pair of node.items) add(pair.value, 'heading');
  };
  add(doc.get('paper', true), 'kai');
  add(doc.get('sponsor', true), 'heading');
  credits(doc.get('credits', true));
  const pages = doc.get('pages', true) as Node | undefined;
  if (isSeq(pages)) {
    for (const page of pages.items) {
      if (!isMap(page)) continue;
      add(page.get('section', true), 'heading');
      credits(page.get('credits', true));
    }
  }
  const locate = createOffsetLocator(source);
  for (const span of spans) checkSpan(file, source, span, chains, 'edition.yaml', locate, []);
}
