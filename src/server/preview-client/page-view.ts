import { showAdFrames } from './ad-frames.js';
import type { PreviewGrid, PreviewPage, PreviewSnapshot } from '../preview-state.js';
import { createDeskMode } from './desk-mode.js';
import { h } from './dom.js';
import { createErrorOverlay } from './error-overlay.js';
import { createGridOverlay, measureBaselinePt } from './grid-overlay.js';
import { createMarksOverlay, MARGIN_MM } from './marks-overlay.js';
import { PageFrames, type ShownFrame } from './page-frame.js';
import { subscribeState } from './state-stream.js';
import { createStoryPanel } from './story-panel.js';
import { inspectStories, oversetText } from './story-inspector.js';
import { createZoom } from './zoom.js';

const PX_PER_PT = 96 / 72;
const PT_PER_MM = 72 / 25.4;

/** What tests and the latency benchmark read: which version is on screen and when it got there. */
interface PreviewProbe {
  page: string;
  shownVersion: number;
  swaps: number;
  /** Epoch ms of the last swap to a new document. */
  lastSwapAt: number;
  /** Epoch ms when the state asking for the shown version arrived. */
  lastRequestAt: number;
  /** Phases of the last load, in ms from its start (see PageFrames). */
  lastTimings: Record<string, number>;
  connected: boolean;
}

declare global {
  interface Window {
    __pwPreview: PreviewProbe;
  }
}

const pageIdFromPath = () => decodeURIComponent(location.pathname.replace(/^\/page\//, '').replace(/\/$/, ''));
const stored = (key: string) => localStorage.getItem(`pw-${key}`);
const store = (key: string, value: string) => localStorage.setItem(`pw-${key}`, value);

function main(): void {
  const probe: PreviewProbe = { page: pageIdFromPath(), shownVersion: 0, swaps: 0, lastSwapAt: 0, lastRequestAt: 0, lastTimings: {}, connected: false };
  window.__pwPreview = probe;
  let snapshot: PreviewSnapshot | undefined;
  let serverId = '';
  let requested = { page: '', version: -1 };
  let grid: PreviewGrid | undefined;
  let gridKey = '';
  let showGrid = stored('grid') === '1';
  let showMarks = stored('marks') === '1';
  /** Typography findings on the shown page, from its own layout. */
  let audit: number | undefined;

  const errors = createErrorOverlay();
  const panel = createStoryPanel();
  const tip = h('div', { class: 'pw-tip', hidden: true });
  const status = h('span', { class: 'pw-status', title: 'Live reload' }, 'connecting…');
  const pageSelect = h('select', { class: 'pw-page-select', 'aria-label': 'Page', onchange: () => go(pageSelect.value) });
  const info = h('span', { class: 'pw-page-info' });
  const zoomLabel = h('button', { class: 'pw-zoom-label', title: 'Fit the page width (0)', onclick: () => zoom.set('width') }, '100%');
  const gridButton = h('button', { class: 'pw-toggle', 'aria-pressed': String(showGrid), title: 'Column grid and baselines (G)', onclick: () => toggleGrid() }, '栏线 Grid');
  const deskButton = h('button', { class: 'pw-toggle', 'aria-pressed': 'false', title: 'Layout desk: move and resize boxes (E)', onclick: () => desk?.toggle() }, '排版 Desk');
  const marksButton = h('button', { class: 'pw-toggle', 'aria-pressed': String(showMarks), title: 'Bleed and crop marks (B)', onclick: () => toggleMarks() }, '出血 Bleed & marks');
  const toolbar = h(
    'header',
    { class: 'pw-toolbar' },
    h('a', { class: 'pw-button pw-home', href: '/', title: 'All pages (I)' }, '☰ 版面'),
    h('button', { title: 'Previous page (←, PageUp)', onclick: () => step(-1) }, '‹'),
    pageSelect,
    h('button', { title: 'Next page (→, PageDown)', onclick: () => step(1) }, '›'),
    info,
    h('span', { class: 'pw-spacer' }),
    h('button', { title: 'Zoom out (−)', onclick: () => zoom.by(1 / 1.25) }, '−'),
    zoomLabel,
    h('button', { title: 'Zoom in (+)', onclick: () => zoom.by(1.25) }, '+'),
    h('button', { title: 'Whole page (W)', onclick: () => zoom.set('page') }, '⤢'),
    gridButton,
    marksButton,
    deskButton,
    status,
  );
  const holder = h('div', { class: 'pw-page-holder' });
  const marksLayer = h('div', { class: 'pw-marks-layer' });
  const inner = h('div', { class: 'pw-sheet-inner' }, marksLayer, holder);
  const sheet = h('div', { class: 'pw-sheet' }, inner);
  const message = h('div', { class: 'pw-message', hidden: true });
  const viewport = h('main', { class: 'pw-viewport', tabindex: '-1' }, sheet, message);
  document.body.append(toolbar, viewport, tip);
  document.body.classList.toggle('pw-show-grid', showGrid);
  document.body.classList.toggle('pw-show-marks', showMarks);
  const desk = createDeskMode({
    holder,
    go: (id) => go(id),
    snapshot: () => snapshot,
    onChange: (on) => {
      deskButton.setAttribute('aria-pressed', String(on));
      // A Paged.js render in progress would take the CPU from the desk's live layout; it is loaded again on leaving.
      if (on) {
        frames.cancel();
        requested = { page: '', version: -1 };
      }
      panel.hide();
      // The tray takes the left of the window: a fitted zoom fits the narrower view.
      zoom.apply();
      render();
    },
  });
  if (!desk) deskButton.hidden = true;

  const sheetSize = () => {
    const m = grid ? MARGIN_MM * PT_PER_MM * PX_PER_PT : 0;
    return { width: (grid?.pageWidthPt ?? 0) * PX_PER_PT + 2 * m, height: (grid?.pageHeightPt ?? 0) * PX_PER_PT + 2 * m };
  };
  const zoom = createZoom({ viewport, sheet, inner, size: sheetSize, initial: stored('zoom'), onChange: (value, label) => {
    zoomLabel.textContent = label;
    store('zoom', String(value));
  } });

  const frames = new PageFrames(holder, {
    prepare: (shown) => decorate(shown),
    shown: (shown) => {
      if (probe.swaps === 0) restoreScroll();
      probe.lastTimings = shown.timings;
      audit = shown.state.audit?.length;
      render();
      probe.shownVersion = requested.version;
      probe.swaps++;
      probe.lastSwapAt = performance.timeOrigin + performance.now();
      setBusy();
    },
    failed: (text) => errors.show([{ severity: 'error', file: '', line: null, column: null, message: text, ruleId: 'browser-layout', page: probe.page }]),
  });

  function decorate(shown: ShownFrame): void {
    showAdFrames(shown.doc);
    inspectStories(shown, {
      hover: (hit, x, y) => {
        const text = hit && (oversetText(hit.fit) ?? hit.file);
        tip.hidden = !text;
        if (!text) return;
        const rect = shown.frame.getBoundingClientRect();
        const scale = rect.width / shown.frame.offsetWidth;
        tip.textContent = text;
        tip.classList.toggle('pw-tip-overset', Boolean(oversetText(hit!.fit)));
        tip.style.left = `${rect.left + x * scale + 14}px`;
        tip.style.top = `${rect.top + y * scale + 14}px`;
      },
      click: (hit) => {
        tip.hidden = true;
        const story = snapshot?.pages.find((p) => p.id === probe.page)?.stories.find((s) => s.story === hit.story && s.part === hit.part);
        panel.show(hit, story);
      },
    });
    // Keys pressed while the page has focus still reach the shortcuts.
    shown.doc.addEventListener('keydown', (event) => {
      const forwarded = new KeyboardEvent('keydown', { key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, shiftKey: event.shiftKey, cancelable: true });
      if (!document.dispatchEvent(forwarded)) event.preventDefault();
    });
    if (grid) {
      holder.querySelector('.pw-grid')?.remove();
      holder.append(createGridOverlay(grid, measureBaselinePt(shown.doc, grid)));
    }
  }

  function applyGeometry(next: PreviewGrid | null): void {
    const key = JSON.stringify(next);
    if (!next || key === gridKey) return;
    grid = next;
    gridKey = key;
    const m = MARGIN_MM * PT_PER_MM * PX_PER_PT;
    holder.style.left = `${m}px`;
    holder.style.top = `${m}px`;
    holder.style.width = `${grid.pageWidthPt * PX_PER_PT}px`;
    holder.style.height = `${grid.pageHeightPt * PX_PER_PT}px`;
    marksLayer.replaceChildren(createMarksOverlay(grid));
    zoom.apply();
  }

  function showMessage(text: string | undefined): void {
    message.hidden = !text;
    message.textContent = text ?? '';
  }

  function render(): void {
    if (!snapshot) return;
    applyGeometry(snapshot.grid);
    errors.show(snapshot.errors);
    pageSelect.replaceChildren(...snapshot.pages.map((p) => h('option', { value: p.id, selected: p.id === probe.page }, `${p.id} ${p.section}`)));
    const page = snapshot.pages.find((p) => p.id === probe.page);
    info.textContent = page ? describe(page, audit) : '';
    document.title = `${probe.page} · ${snapshot.edition ? `${snapshot.edition.paper} ${snapshot.edition.date}` : 'presswork'}`;
    if (!page) return showMessage(snapshot.edition ? `No page ${probe.page} in this edition.` : 'The edition cannot be read yet; see the errors.');
    if (page.version === 0) return showMessage(`Page ${page.id} has not been rendered yet${snapshot.errors.length ? ': fix the errors shown' : '…'}`);
    showMessage(undefined);
    if (desk?.active && snapshot.grid) {
      // The desk shows the page as laid out (no Paged.js): it lays stories out again in it.
      if (page.ready) desk.show(page.id, page.version, snapshot.grid);
    } else if (page.ready && (requested.page !== page.id || requested.version !== page.version)) {
      requested = { page: page.id, version: page.version };
      probe.lastRequestAt = performance.timeOrigin + performance.now();
      frames.load(`/_preview/doc/${encodeURIComponent(page.id)}?v=${page.version}`);
    }
    setBusy();
  }

  function setBusy(): void {
    const loading = requested.version !== probe.shownVersion;
    const text = !probe.connected ? 'reconnecting…' : loading || snapshot?.busy ? 'updating…' : 'live';
    status.textContent = text;
    status.dataset.state = !probe.connected ? 'offline' : text === 'live' ? 'live' : 'busy';
  }

  function go(id: string, push = true): void {
    if (id === probe.page) return;
    probe.page = id;
    panel.hide();
    if (push) history.pushState(null, '', `/page/${encodeURIComponent(id)}`);
    viewport.scrollTo(0, 0);
    render();
  }

  function step(delta: number): void {
    const ids = snapshot?.pages.map((p) => p.id) ?? [];
    const next = ids[ids.indexOf(probe.page) + delta];
    if (next) go(next);
  }

  function toggleGrid(): void {
    showGrid = !showGrid;
    store('grid', showGrid ? '1' : '0');
    gridButton.setAttribute('aria-pressed', String(showGrid));
    document.body.classList.toggle('pw-show-grid', showGrid);
  }

  function toggleMarks(): void {
    showMarks = !showMarks;
    store('marks', showMarks ? '1' : '0');
    marksButton.setAttribute('aria-pressed', String(showMarks));
    document.body.classList.toggle('pw-show-marks', showMarks);
  }

  // A reload of the tab (F5) comes back to the same spot; live updates never move it.
  const scrollKey = () => `pw-scroll-${probe.page}`;
  function restoreScroll(): void {
    const saved = sessionStorage.getItem(scrollKey())?.split(',').map(Number);
    if (saved?.length === 2) viewport.scrollTo(saved[0]!, saved[1]!);
  }
  window.addEventListener('pagehide', () => sessionStorage.setItem(scrollKey(), `${viewport.scrollLeft},${viewport.scrollTop}`));
  window.addEventListener('popstate', () => go(pageIdFromPath(), false));
  window.addEventListener('resize', () => zoom.apply());
  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLSelectElement || event.target instanceof HTMLInputElement) return;
    if (desk?.keydown(event)) return event.preventDefault();
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => step(-1),
      ArrowRight: () => step(1),
      PageUp: () => step(-1),
      PageDown: () => step(1),
      '+': () => zoom.by(1.25),
      '=': () => zoom.by(1.25),
      '-': () => zoom.by(1 / 1.25),
      '0': () => zoom.set('width'),
      '1': () => zoom.set(1),
      w: () => zoom.set('page'),
      g: toggleGrid,
      b: toggleMarks,
      e: () => desk?.toggle(),
      i: () => (location.href = '/'),
      Escape: () => panel.hide(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  subscribeState(
    (next) => {
      if (next.serverId !== serverId) requested = { page: '', version: -1 }; // a restarted server: reload
      serverId = next.serverId;
      // A new read of the sources may be a hand edit of edition.yaml: the desk reloads its layout.
      if (snapshot && next.lastRead?.changedAt !== snapshot.lastRead?.changedAt) desk?.refresh();
      snapshot = next;
      render();
    },
    (connected) => {
      probe.connected = connected;
      setBusy();
    },
  );
}

function describe(page: PreviewPage, audit: number | undefined): string {
  const overset = page.stories.filter((s) => s.overset.chars > 0).length;
  const parts = [page.section, page.template];
  if (overset) parts.push(`${overset} overset`);
  if (audit !== undefined) parts.push(audit ? `audit: ${audit} findings` : 'audit clean');
  return parts.join(' · ');
}

main();
