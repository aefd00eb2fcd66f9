import type { VFile } from 'vfile';
import { processArticle, type ProcessedArticle } from '../markdown/process-article.js';

export interface ArticleCache {
  /** Same contract as processArticle; answers from memory when path, text and options are unchanged. */
  process: typeof processArticle;
  /** Forget everything, e.g. when an image changed (figures check their files). */
  clear(): void;
}

/**
 * Processed articles kept between re-reads of the edition: a save changes one article, and
 * running every other one through the Markdown pipeline again costs most of the re-read.
 * A hit puts the article's messages back on the new file, as processing would have.
 */
export function createArticleCache(): ArticleCache {
  const cache = new Map<string, { key: string; result: ProcessedArticle; messages: VFile['messages'] }>();
  return {
    async process(file: VFile, options) {
      const path = file.path ?? '';
      const key = JSON.stringify([String(file.value ?? ''), options]);
      const hit = cache.get(path);
      if (hit && hit.key === key) {
        file.messages.push(...hit.messages);
        return hit.result;
      }
      const before = file.messages.length;
      const result = await processArticle(file, options);
      cache.set(path, { key, result, messages: file.messages.slice(before) });
      return result;
    },
    clear: () => cache.clear(),
  };
}
