import { VFile } from 'vfile';
import { createProcessor, type ProcessorOptions } from './create-processor.js';
import type { FigureImage } from './rehype-figures.js';

export interface ProcessedArticle {
  html: string;
  /** The article's text as it will be printed, for verifying the PDF. */
  text: string;
  images: FigureImage[];
}

/** Run one article through the processor; problems land on `file` as messages. */
export async function processArticle(
  file: VFile,
  options: Omit<ProcessorOptions, 'images'>,
): Promise<ProcessedArticle> {
  const images: FigureImage[] = [];
  // Process a copy: unified replaces the file's value with the HTML, and we keep the source.
  const work = new VFile({ path: file.path, value: file.value });
  const result = await createProcessor({ ...options, images }).process(work);
  file.messages.push(...work.messages);
  return { html: String(result.value), text: String(work.data.text ?? ''), images };
}
