import type { PreviewStoryFit } from '../preview-state.js';
import { h } from './dom.js';
import type { StoryHit } from './story-inspector.js';

export interface StoryPanel {
  show(hit: StoryHit, story: PreviewStoryFit | undefined): void;
  hide(): void;
}

/**
 * What a click on a story opens: where its source is, so staff know which file to edit
 * (stories are not editable in the browser), and how it fits its box.
 */
export function createStoryPanel(): StoryPanel {
  let root: HTMLElement | undefined;
  const hide = () => {
    root?.remove();
    root = undefined;
  };
  return {
    hide,
    show(hit, story) {
      hide();
      const path = story?.path ?? hit.file;
      const fit = hit.fit;
      const rows: [string, string, string?][] = [];
      if (fit) {
        if (fit.overset.chars > 0) rows.push(['超版 Overset', `${fit.overset.chars} 字 / ${fit.overset.lines} 行`, 'bad']);
        else rows.push(['超版 Overset', '0 (fits)']);
        rows.push(['空行 Short', `${fit.short.lines} 行`, fit.short.lines > 0 ? 'warn' : undefined]);
        if (fit.continuedOn) rows.push(['转版 Jump', `continues on ${fit.continuedOn}`]);
      }
      if (hit.part === 'cont') rows.push(['接版 Continued', 'continuation of a story from another page']);
      const copy = h('button', { class: 'pw-copy', title: 'Copy the path' }, 'Copy');
      copy.addEventListener('click', () => {
        void navigator.clipboard?.writeText(path).then(() => (copy.textContent = 'Copied'), () => undefined);
      });
      root = h(
        'aside',
        { class: 'pw-story-panel', role: 'dialog', 'aria-label': 'Story source' },
        h('button', { class: 'pw-close', title: 'Close (Esc)', onclick: hide }, '×'),
        h('div', { class: 'pw-story-title' }, story?.title ?? hit.story),
        h('div', { class: 'pw-story-label' }, 'Source file — edit it and save; this page updates by itself'),
        h('div', { class: 'pw-story-path' }, h('code', {}, path), copy),
        h('div', { class: 'pw-story-file' }, `${hit.file} in edition.yaml`),
        h('dl', { class: 'pw-story-fit' }, ...rows.flatMap(([k, v, cls]) => [h('dt', {}, k), h('dd', { class: cls }, v)])),
        hit.findings.length > 0
          ? h(
              'div',
              { class: 'pw-story-audit' },
              h('div', { class: 'pw-story-label' }, `审校 Typography audit: ${hit.findings.length} finding${hit.findings.length === 1 ? '' : 's'}`),
              h('ul', {}, ...hit.findings.slice(0, 12).map((f) => h('li', {}, f.line ? h('code', {}, `${hit.file}:${f.line}${f.column ? `:${f.column}` : ''}`) : null, ` ${f.message}`))),
            )
          : h('div', { class: 'pw-story-label' }, '审校 Typography audit: clean'),
      );
      document.body.append(root);
    },
  };
}
