import type { PreviewPage, PreviewSnapshot, PreviewStoryFit } from '../preview-state.js';
import { h } from './dom.js';
import { createErrorOverlay } from './error-overlay.js';
import { subscribeState } from './state-stream.js';

type Tone = 'bad' | 'warn' | 'ok' | 'none';

function storyState(s: PreviewStoryFit): { text: string; tone: Tone } {
  // 删 N字 / 补 N字: what to cut or write for the story to fit (write-to-fit).
  if (s.overset.chars > 0) return { text: `超版 ${s.overset.chars}字/${s.overset.lines}行 · 删${s.writeToFit?.cut ?? s.overset.chars}字`, tone: 'bad' };
  if (s.continuedOn) return { text: `转 ${s.continuedOn}`, tone: 'ok' };
  if (s.short.lines > 1) return { text: `空 ${s.short.lines}行${s.writeToFit?.add ? ` · 补${s.writeToFit.add}字` : ''}`, tone: 'warn' };
  return { text: '满', tone: 'ok' };
}

function pageTone(page: PreviewPage): Tone {
  if (page.laidOutVersion === null) return 'none';
  if (page.stories.some((s) => s.overset.chars > 0)) return 'bad';
  if (page.stories.some((s) => s.short.lines > 0)) return 'warn';
  return 'ok';
}

function chips(page: PreviewPage): HTMLElement {
  const overset = page.stories.filter((s) => s.overset.chars > 0);
  const short = page.stories.filter((s) => s.short.lines > 0 && !s.continuedOn);
  const laidOut = page.laidOutVersion !== null;
  return h(
    'div',
    { class: 'pw-chips' },
    !laidOut ? h('span', { class: 'pw-chip pw-none' }, '排版中 laying out…') : null,
    laidOut ? h('span', { class: `pw-chip ${overset.length ? 'pw-bad' : 'pw-ok'}` }, overset.length ? `超版 ${overset.length} overset` : '无超版 no overset') : null,
    laidOut && short.length ? h('span', { class: 'pw-chip pw-warn' }, `空行 ${short.length} short`) : null,
    page.audit === null
      ? h('span', { class: 'pw-chip pw-none', title: 'The layout did not report a typography audit' }, '审校 audit n/a')
      : h('span', { class: `pw-chip ${page.audit ? 'pw-warn' : 'pw-ok'}` }, page.audit ? `审校 audit: ${page.audit} findings` : '审校 audit clean'),
    page.errors || page.warnings
      ? h('span', { class: `pw-chip ${page.errors ? 'pw-bad' : 'pw-warn'}`, title: 'Messages from the Markdown and CJK checks of this page’s files' }, `源稿 lint: ${page.errors ? `${page.errors} errors` : `${page.warnings} warnings`}`)
      : h('span', { class: 'pw-chip pw-ok', title: 'No messages from the Markdown and CJK checks of this page’s files' }, '源稿 lint clean'),
  );
}

function card(page: PreviewPage, snapshot: PreviewSnapshot): HTMLElement {
  const grid = snapshot.grid;
  const ratio = grid ? `${grid.pageWidthPt} / ${grid.pageHeightPt}` : '390 / 545';
  const thumb = page.laidOutVersion !== null
    ? h('img', { class: 'pw-thumb', src: `/_preview/thumb/${encodeURIComponent(page.id)}.png?v=${snapshot.serverId.slice(0, 8)}-${page.laidOutVersion}`, alt: `Page ${page.id}`, loading: 'lazy' })
    : h('div', { class: 'pw-thumb pw-thumb-empty' }, '…');
  thumb.style.aspectRatio = ratio;
  return h(
    'a',
    { class: `pw-card pw-tone-${pageTone(page)}`, href: `/page/${encodeURIComponent(page.id)}`, 'data-page': page.id },
    h('div', { class: 'pw-thumb-wrap' }, thumb),
    h('div', { class: 'pw-card-head' }, h('strong', { class: 'pw-card-id' }, page.id), h('span', {}, page.section), h('span', { class: 'pw-card-template' }, page.template)),
    chips(page),
    h(
      'ul',
      { class: 'pw-stories' },
      ...page.stories.map((s) => {
        const state = storyState(s);
        return h('li', { title: s.path }, h('span', { class: 'pw-story-name' }, s.part === 'cont' ? `↳ ${s.title}` : s.title), h('span', { class: `pw-state pw-${state.tone}` }, state.text));
      }),
    ),
  );
}

function main(): void {
  const errors = createErrorOverlay();
  const title = h('h1', {}, 'presswork');
  const meta = h('span', { class: 'pw-meta' });
  const status = h('span', { class: 'pw-status' }, 'connecting…');
  const grid = h('main', { class: 'pw-cards' });
  document.body.append(h('header', { class: 'pw-toolbar' }, title, meta, h('span', { class: 'pw-spacer' }), status), grid);
  let connected = false;
  let last: PreviewSnapshot | undefined;

  const render = (snapshot: PreviewSnapshot) => {
    last = snapshot;
    errors.show(snapshot.errors);
    const edition = snapshot.edition;
    title.textContent = edition ? `${edition.paper} ${edition.date}` : 'presswork';
    meta.textContent = edition ? `${edition.dir} · ${snapshot.pages.length} 版` : '';
    document.title = `${title.textContent} · presswork preview`;
    // Cards that did not change stay in place, so their thumbnails do not reload or flicker.
    const old = new Map([...grid.querySelectorAll<HTMLElement>('.pw-card')].map((el) => [el.dataset.page, el]));
    grid.replaceChildren(
      ...snapshot.pages.map((p) => {
        const next = card(p, snapshot);
        const previous = old.get(p.id);
        return previous && previous.outerHTML === next.outerHTML ? previous : next;
      }),
    );
    if (snapshot.pages.length === 0) grid.append(h('p', { class: 'pw-message' }, 'No pages yet: the edition cannot be read; see the errors.'));
    setStatus();
  };
  const setStatus = () => {
    status.textContent = !connected ? 'reconnecting…' : last?.busy ? 'updating…' : 'live';
    status.dataset.state = !connected ? 'offline' : last?.busy ? 'busy' : 'live';
  };
  document.addEventListener('keydown', (event) => {
    const ids = last?.pages.map((p) => p.id) ?? [];
    if (event.key === 'Enter' && ids[0] && document.activeElement === document.body) location.href = `/page/${ids[0]}`;
  });
  subscribeState(render, (value) => {
    connected = value;
    setStatus();
  });
}

main();
