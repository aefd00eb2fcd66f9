import { dirname, relative, sep } from 'node:path';
import type { PageChange } from './page-change.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * `changes.html`: for each changed or new page, the previous build's image, this build's and
 * their difference side by side. Static: no scripts, relative image paths, so the folder can
 * be zipped, mailed or served as it is.
 */

export interface ChangesHtmlOptions {
  /** Heading and <title>, e.g. `萧山日报 2026-11-26`. */
  title: string;
  /** Where the HTML will live; image paths are made relative to its folder. */
  htmlPath: string;
  /** Page id → label shown beside it (e.g. its section, `要闻`). */
  labels?: Record<string, string>;
  /** When the build ran, shown under the heading. */
  builtAt?: string;
}

export function renderChangesHtml(changes: readonly PageChange[], options: ChangesHtmlOptions): string {
  const shown = changes.filter((c) => c.status !== 'unchanged');
  const unchanged = changes.filter((c) => c.status === 'unchanged').map((c) => c.page);
  const src = (path: string) => escapeHtml(relativeUrl(options.htmlPath, path));
  const name = (page: string) => escapeHtml([page, options.labels?.[page]].filter(Boolean).join(' '));
  const image = (caption: string, path: string | null, page: string) =>
    path
      ? `<figure><img src="${src(path)}" alt="${escapeHtml(`${page} ${caption}`)}"><figcaption>${caption}</figcaption></figure>`
      : `<figure class="none"><div>—</div><figcaption>${caption}</figcaption></figure>`;
  const sections = shown.map(
    (c) => `<section id="page-${escapeHtml(c.page)}">
<h2>${name(c.page)} <span class="${c.status}">${c.status === 'new' ? '新版 new page' : `${formatPercent(c.changedPercent)} changed`}</span></h2>
<div class="row">
${image('上次 before', c.before, c.page)}
${image('本次 after', c.after, c.page)}
${image('差异 difference', c.diff, c.page)}
</div>
</section>`,
  );
  const summary =
    shown.length === 0
      ? '<p>No page changed since the previous build.</p>'
      : `<p>${shown.length} of ${changes.length} pages changed: ${shown.map((c) => `<a href="#page-${escapeHtml(c.page)}">${escapeHtml(c.page)}</a>`).join(' ')}</p>`;
  return `<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}: changes</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #222; }
.row { display: flex; gap: 1rem; align-items: flex-start; }
figure { margin: 0; flex: 1 1 0; min-width: 0; }
figure img { width: 100%; height: auto; border: 1px solid #bbb; background: #fff; }
figure.none div { border: 1px dashed #bbb; text-align: center; padding: 4rem 0; color: #999; }
figcaption { text-align: center; color: #555; }
section { margin: 2rem 0; }
.changed { color: #b00; } .new { color: #06c; }
</style>
</head>
<body>
<h1>${escapeHtml(options.title)}: what changed</h1>
${options.builtAt ? `<p>Built ${escapeHtml(options.builtAt)}, compared with the previous build.</p>\n` : ''}${summary}
${sections.join('\n')}
${unchanged.length > 0 ? `<p>Unchanged: ${unchanged.map(escapeHtml).join(', ')}</p>\n` : ''}</body>
</html>
`;
}

export async function writeChangesHtml(changes: readonly PageChange[], options: ChangesHtmlOptions): Promise<void> {
  try {
    await writeFileAtomic(options.htmlPath, renderChangesHtml(changes, options));
  } catch (error) {
    throw new Error(`Cannot write ${options.htmlPath}: ${(error as Error).message}`);
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A path relative to the HTML's folder, each segment URL-encoded (`#` or `?` in a name stays a name). */
function relativeUrl(htmlPath: string, target: string): string {
  return relative(dirname(htmlPath), target).split(sep).map(encodeURIComponent).join('/');
}

function formatPercent(value: number | null): string {
  return value === null ? '' : `${value.toFixed(2)}%`;
}
