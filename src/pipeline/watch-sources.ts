import { watch } from 'chokidar';
import { basename, relative, sep } from 'node:path';

export type SourceKind = 'edition' | 'article' | 'asset' | 'template' | 'style';

export interface SourceChanges {
  /** Absolute paths that changed, were added or removed. */
  paths: string[];
  kinds: Set<SourceKind>;
  /** Epoch ms of the first event in the batch. */
  at: number;
}

export interface SourceRoots {
  editionDir: string;
  templatesDir: string;
  stylesDir: string;
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
};

/** What a changed file is, from where it lives; undefined for files the preview ignores. */
export function classifySource(path: string, roots: SourceRoots): SourceKind | undefined {
  if (basename(path).startsWith('.') || /~$|\.sw[px]$/.test(path)) return undefined; // editor droppings
  if (inside(roots.templatesDir, path)) return path.endsWith('.hbs') ? 'template' : undefined;
  if (inside(roots.stylesDir, path)) return path.endsWith('.css') ? 'style' : undefined;
  if (!inside(roots.editionDir, path)) return undefined;
  if (relative(roots.editionDir, path) === 'edition.yaml') return 'edition';
  return path.endsWith('.md') ? 'article' : 'asset';
}

export interface SourceWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watch the edition, templates and styles, and report changes in batches: editors often
 * write a file in several steps (or rename over it), so events within `debounceMs` of each
 * other become one change.
 */
export function watchSources(
  roots: SourceRoots,
  onChange: (changes: SourceChanges) => void,
  options: { debounceMs?: number; onError?: (error: Error) => void } = {},
): SourceWatcher {
  const debounceMs = options.debounceMs ?? 25;
  let pending: SourceChanges = { paths: [], kinds: new Set(), at: 0 };
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch([roots.editionDir, roots.templatesDir, roots.stylesDir], {
    ignoreInitial: true,
    ignored: (path) => basename(path).startsWith('.') || basename(path) === 'node_modules',
  });
  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = { paths: [], kinds: new Set(), at: 0 };
    if (batch.paths.length > 0) onChange(batch);
  };
  watcher.on('all', (_event, path) => {
    const kind = classifySource(path, roots);
    if (!kind) return;
    if (pending.paths.length === 0) pending.at = Date.now();
    pending.paths.push(path);
    pending.kinds.add(kind);
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  watcher.on('error', (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
