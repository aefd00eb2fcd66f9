import { VFile } from 'vfile';
import { findDeepLine, findEmphasisFlood, findTreeDepth, MAX_EMPHASIS_MARKS, MAX_LINE_NESTING, MAX_TREE_DEPTH } from './check-nesting.js';
import { createProcessor, type ProcessorOptions } from './create-processor.js';
import type { FigureImage } from './rehype-figures.js';
import type { FontFallback } from '../fonts/font-chain.js';

export interface ProcessedArticle {
  html: string;
  /** The article's text as it will be printed, for verifying the PDF. */
  text: string;
  images: FigureImage[];
  /** Characters set from a later font of their role's chain (see remark-font-coverage). */
  fontFallbacks: FontFallback[];
}

const NOTHING: ProcessedArticle = { html: '', text: '', images: [], fontFallbacks: [] };

/**
 * Run one article through the processor; problems land on `file` as messages. Never
 * throws for bad input: an article that cannot be processed gets a fatal message and
 * empty output, so its page is reported instead of the build crashing.
 */
export async function processArticle(
  file: VFile,
  options: Omit<ProcessorOptions, 'images'>,
): Promise<ProcessedArticle> {
  const images: FigureImage[] = [];
  // Process a copy: unified replaces the file's value with the HTML, and we keep the source.
  const work = new VFile({ path: file.path, value: file.value });
  const fail = (reason: string, ruleId: string, place?: { line: number; column: number }) => {
    file.message(reason, { place, ruleId, source: 'presswork' }).fatal = true;
    return NOTHING;
  };
  const source = String(file.value ?? '');
  const deepLine = findDeepLine(source);
  if (deepLine) {
    return fail(
      `Found ${deepLine.depth} lists or quotes nested on one line; expected at most ${MAX_LINE_NESTING} levels, so the article was not processed`,
      'nesting-too-deep',
      deepLine.place,
    );
  }
  const flood = findEmphasisFlood(source);
  if (flood) {
    return fail(
      `Found more than ${MAX_EMPHASIS_MARKS} emphasis marks (\`*\`, \`_\`) in one paragraph; expected at most ${MAX_EMPHASIS_MARKS}, so the article was not processed`,
      'emphasis-flood',
      flood.place,
    );
  }
  const processor = createProcessor({ ...options, images });
  try {
    const tree = processor.parse(work);
    const deepest = findTreeDepth(tree);
    if (deepest.depth > MAX_TREE_DEPTH) {
      return fail(
        `Markdown is nested ${deepest.depth} levels deep here; expected at most ${MAX_TREE_DEPTH} levels, so the article was not processed`,
        'nesting-too-deep',
        deepest.place,
      );
    }
    // parse, run and stringify one by one (not `process`): an exception in stringify would
    // otherwise escape unified's callback as an unhandled rejection and end the process.
    const result = processor.stringify(await processor.run(tree, work), work);
    file.messages.push(...work.messages);
    return { html: String(result), text: String(work.data.text ?? ''), images, fontFallbacks: work.data.fontFallbacks ?? [] };
  } catch (error) {
    file.messages.push(...work.messages);
    return fail(`Article could not be processed: ${(error as Error).message}`, 'process-failed');
  }
}
