import type { Root } from 'mdast';
import { relative } from 'node:path';
import type { Plugin } from 'unified';
import type { VFile } from 'vfile';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { FontChains, FontFallback } from '../fonts/font-chain.js';
import { createOffsetLocator } from '../cjk/create-offset-locator.js';
import { codePoints, findCopyCharacters, isPrivateUse } from './copy-characters.js';

declare module 'vfile' {
  interface DataMap {
    /** Characters set from a later font of their role's chain than its first. */
    fontFallbacks: FontFallback[];
  }
}

export interface Span {
  start: number;
  end: number;
  role: string;
}

interface Node {
  type: string;
  name?: string;
  value?: unknown;
  children?: Node[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/** Front matter fields the page prints, and the role that sets each (the title as styled). */
const FRONT_MATTER_ROLES: Record<string, string> = { title: 'heading', subtitle: 'heading', kicker: 'body', byline: 'kai' };

/**
 * Every character of the copy against the fonts of its role (body, heading, kai), where it
 * was typed: one that its role's first font lacks is an info naming the font of the chain
 * that sets it; one that no font has, or a private-use character, is an error, so the page
 * is not built with a tofu box or a system font.
 */
export const remarkFontCoverage: Plugin<[{ chains?: FontChains; root?: string }?], Root> = (options = {}) => (tree, file) => {
  const chains = options.chains;
  if (!chains) return;
  const source = String(file.value ?? '');
  const locate = createOffsetLocator(source);
  const name = options.root && file.path ? relative(options.root, file.path) : (file.path ?? '');
  const spans: Span[] = [];
  collectSpans(tree as Node, 'body', source, spans);
  const fallbacks: NonNullable<typeof file.data.fontFallbacks> = [];
  for (const span of spans) checkSpan(file, source, span, chains, name, locate, fallbacks);
  file.data.fontFallbacks = fallbacks;
};

/**
 * Check one stretch of the source against its role's chain: an info for a character set
 * from a later font, an error for one no font has (or a private-use one).
 */
export function checkSpan(
  file: VFile,
  source: string,
  span: Span,
  chains: FontChains,
  name: string,
  locate: ReturnType<typeof createOffsetLocator>,
  fallbacks: FontFallback[],
): void {
  const text = source.slice(span.start, span.end);
  const skip = new Set<number>();
  for (const found of findCopyCharacters(text)) for (let i = 0; i < found.text.length; i++) skip.add(found.index + i);
  const chain = chains.get(span.role) ?? chains.get('body')!;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const at = i;
    i += cp > 0xffff ? 2 : 1;
    // The set lookup first: nearly every character is in the role's font, and a space needs no glyph.
    if (cp < 0x80 || skip.has(at) || (!isPrivateUse(cp) && chain[0]!.has(cp))) continue;
    if (/\s/u.test(String.fromCodePoint(cp))) continue;
    const place = locate(span.start + at);
    const where = `${codePoints(String.fromCodePoint(cp))} at ${name}:${place.line}:${place.column}`;
    const setter = isPrivateUse(cp) ? undefined : chain.find((font) => font.has(cp));
    if (setter) {
      fallbacks.push({ codePoint: cp, role: span.role, font: setter.name });
      file.info(`${String.fromCodePoint(cp)} ${where} set in ${setter.name} (not in ${chain[0]!.name}, the ${span.role} font)`, { place, ruleId: 'font-fallback', source: 'presswork' });
      continue;
    }
    const reason = isPrivateUse(cp)
      ? `${where} is a private-use character: it has no agreed meaning and no font is trusted to draw it; type the character meant, or describe it in words`
      : `${String.fromCodePoint(cp)} ${where} is in no font of the ${span.role} chain (${chain.map((f) => f.name).join(' → ')}); replace it, or add a house font that has it`;
    file.message(`${reason}; the page is not built`, { place, ruleId: 'missing-glyph', source: 'presswork' }).fatal = true;
  }
}

/** Where the printed text was typed, and the role that sets it, from the Markdown tree. */
function collectSpans(node: Node, inherited: string, source: string, spans: Span[]): void {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  let role = inherited;
  if (node.type === 'heading') role = 'heading';
  if (node.name === 'note') role = 'kai';
  if (start !== undefined && end !== undefined) {
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') spans.push({ start, end, role });
    // Images print their alt text as a caption.
    if (node.type === 'image') spans.push({ start, end, role: 'kai' });
    // A directive's attributes: a box's title (heading) or a figure's caption and credit (kai).
    if (node.type === 'containerDirective' || node.type === 'leafDirective') {
      const lineEnd = source.indexOf('\n', start);
      spans.push({ start, end: lineEnd < 0 || lineEnd > end ? end : lineEnd, role: node.name === 'figure' ? 'kai' : 'heading' });
    }
    if (node.type === 'yaml' && typeof node.value === 'string') frontMatterSpans(node.value, source.indexOf(node.value, start), spans);
  }
  for (const child of node.children ?? []) collectSpans(child, role, source, spans);
}

function frontMatterSpans(yaml: string, offset: number, spans: Span[]): void {
  if (offset < 0) return;
  const doc = parseDocument(yaml, { logLevel: 'silent' });
  if (!isMap(doc.contents)) return;
  // A styled headline may name its own role: `headline: {font: kai}`.
  const styled = doc.getIn(['headline', 'font']);
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value) || !pair.value.range) continue;
    const key = String(pair.key.value);
    const role = (key === 'title' || key === 'subtitle') && typeof styled === 'string' ? styled : FRONT_MATTER_ROLES[key];
    if (role) spans.push({ start: offset + pair.value.range[0], end: offset + pair.value.range[1], role });
  }
}
