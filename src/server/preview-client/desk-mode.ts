import type { DeskRelayout } from '../../browser/desk-relayout.js';
import type { DeskBox, DeskGridBox, DeskReply, DeskState } from '../desk-types.js';
import type { PreviewGrid, PreviewSnapshot } from '../preview-state.js';
import { deskToken, fetchDeskState, postDeskEdit } from './desk-api.js';
import { boxRectPx, describeCells, dragBox, gridPoint, HANDLES, placementProblem, roomBelow, sameBox, type Handle } from './desk-geometry.js';
import { estimateContinuationOverset } from './desk-jump-estimate.js';
import { createDeskTray } from './desk-tray.js';
import { h } from './dom.js';
import { PageFrames, type LayoutState, type ShownFrame } from './page-frame.js';

type Fit = LayoutState['copyfit'][number] & { box?: DeskGridBox; writeToFit?: { cut?: number; add?: number } };
type DeskWindow = Window & { __pwDesk?: { relayout(request: DeskRelayout): Fit[] } };

/** What tests and `bench:desk` read: how long each live copyfit and each save took. */
export interface DeskProbe {
  active: boolean;
  /** The page version the desk frame shows. */
  shownVersion: number;
  /** ms from a pointer (or key) step to the new copyfit numbers on screen. */
  steps: number[];
  /** ms of each of those steps spent laying the story out again (the rest is event delivery, drawing and waiting for the CPU). */
  layoutMs: number[];
  /** ms from the last step of a pause in the drag to the numbers with typography.fit's search. */
  fitted: number[];
  /** ms from a drop to the page laid out from the written edition.yaml. */
  drops: number[];
  /** Copyfit numbers last shown, by story id. */
  fits: Record<string, { overset: number; short: number }>;
  message: string;
  saving: boolean;
  saves: number;
  /** Whether the desk has read edition.yaml (its hash and boxes): drops before that cannot be saved. */
  ready: boolean;
}

declare global {
  interface Window {
    __pwDeskProbe: DeskProbe;
  }
}

interface Drag {
  box: DeskBox;
  handle: Handle;
  start: DeskGridBox;
  from: { col: number; row: number };
  candidate: DeskGridBox;
  /** The hash of edition.yaml the drag started from: what the write names. */
  hash: string;
  problem?: string;
  moved: boolean;
  /** A `rows: auto` box whose height the hand set (a top or bottom handle): it gets a number of rows. */
  fixRows: boolean;
}

export interface DeskMode {
  readonly active: boolean;
  toggle(): void;
  /** Show this version of the page (laid out, not paginated) when the desk is on. */
  show(pageId: string, version: number, grid: PreviewGrid): void;
  /** edition.yaml may have changed (a re-read): fetch the layout again, unless a drag is on. */
  refresh(): void;
  /** Keys the desk takes when it is on; true when it took the key. */
  keydown(event: KeyboardEvent): boolean;
}

const NUDGE_SAVE_MS = 700;
/** A drag that rests this long gets the numbers with the fit search (each step shows them without). */
const FIT_AFTER_MS = 120;

/**
 * The layout desk (排版): select, move and resize a page's boxes on the grid, with the story
 * laid out again in the page at every step, and save on drop through the edit endpoint.
 */
export function createDeskMode(options: {
  holder: HTMLElement;
  onChange: (active: boolean) => void;
  go: (pageId: string) => void;
  /** The preview's state: errors of the sources, copyfit of the other pages (jump targets). */
  snapshot: () => PreviewSnapshot | undefined;
}): DeskMode | undefined {
  const token = deskToken();
  if (!token) return undefined;
  const probe: DeskProbe = { active: false, shownVersion: 0, steps: [], layoutMs: [], fitted: [], drops: [], fits: {}, message: '', saving: false, saves: 0, ready: false };
  window.__pwDeskProbe = probe;
  let active = false;
  let state: DeskState | undefined;
  let grid: PreviewGrid | undefined;
  let pageId = '';
  let wanted = -1;
  let selected: string | undefined;
  let drag: Drag | undefined;
  let nudge: { box: DeskBox; start: DeskGridBox; candidate: DeskGridBox; hash: string; timer: number; problem?: string; fixRows: boolean } | undefined;
  /** Live copyfit by story id, from the desk frame's layout and every relayout since. */
  let fits = new Map<string, Fit>();
  /** The copyfit of the layout on screen, before any drag: what the jump targets were laid out from. */
  let shownFits = new Map<string, Fit>();
  /** Where a box shows while it is dragged or waits for its save. */
  const shownBox = new Map<string, DeskGridBox>();
  /** Boxes whose write is on its way, at the cells written: the next drag or nudge starts there. */
  const saving = new Map<string, DeskGridBox>();
  /** Where the next drag or nudge of a box starts: where the hand or the last write left it. */
  const startOf = (box: DeskBox) => shownBox.get(box.key) ?? saving.get(box.key) ?? box.box;
  /** A write's layout is on screen: boxes go back to the layout's places, except the one in hand. */
  function clearShown(): void {
    for (const key of [...shownBox.keys()]) if (key !== drag?.box.key && key !== nudge?.box.key) shownBox.delete(key);
  }
  let dropAt: { at: number; version: number } | undefined;
  /** 转版: the overset story whose continuation box is being drawn, and the box so far. */
  let drawing: { file: string; title: string; from?: { col: number; row: number }; box?: DeskGridBox; problem?: string } | undefined;

  const framesHost = h('div', { class: 'pw-desk-frames' });
  const layer = h('div', { class: 'pw-desk-layer' });
  const note = h('div', { class: 'pw-desk-note', role: 'status', hidden: true });
  const undoButton = h('button', { title: 'Undo (Ctrl+Z)', onclick: () => void history('undo') }, '↶');
  const redoButton = h('button', { title: 'Redo (Ctrl+Shift+Z)', onclick: () => void history('redo') }, '↷');
  const jumpSelect = h('select', { class: 'pw-desk-jump', hidden: true, title: 'The story is overset: continue it in a box on another page', onchange: () => startDrawing() });
  const bar = h('div', { class: 'pw-desk-bar', hidden: true }, h('strong', {}, '排版 Desk'), undoButton, redoButton, jumpSelect, note);
  const tray = createDeskTray({ onDrop: (file, x, y) => void dropFromTray(file, x, y) });
  document.body.append(bar, tray.element);

  const frames = new PageFrames(framesHost, {
    // Each story's layout stays inside its box, so a relayout re-lays that story alone.
    prepare: (shown) => shown.doc.head.append(Object.assign(shown.doc.createElement('style'), { textContent: '.story { contain: layout style; }' })),
    shown: (shown) => onShown(shown),
    failed: (text) => say(text, true),
  });

  const pageBoxes = () => state?.pages[pageId] ?? [];
  const frameWindow = () => (framesHost.querySelector<HTMLIFrameElement>('iframe.pw-frame:not(.pw-frame-loading)')?.contentWindow ?? null) as DeskWindow | null;

  function say(text: string, bad = false): void {
    probe.message = text;
    note.hidden = !text;
    note.textContent = text;
    note.classList.toggle('pw-bad', bad);
  }

  function onShown(shown: ShownFrame): void {
    fits = new Map(shown.state.copyfit.map((c) => [c.story, c as Fit]));
    shownFits = new Map(fits);
    unfitted.clear();
    probe.shownVersion = wanted;
    if (dropAt && wanted > dropAt.version) {
      probe.drops.push(Math.round(performance.now() - dropAt.at));
      dropAt = undefined;
      clearShown();
    }
    // A new layout that lands mid-drag (someone else's save) shows the dragged box where the hand is.
    const live = drag?.moved ? drag : nudge;
    if (live) relayout(live.box, live.candidate, false);
    recordFits();
    draw();
  }

  function recordFits(): void {
    probe.fits = Object.fromEntries([...fits].map(([id, f]) => [id, { overset: f.overset.chars, short: f.short.lines }]));
  }

  /** Bumped by every write: a layout fetched from before it is stale, whenever it arrives. */
  let writes = 0;
  /**
   * The desk's own writes, one at a time: `now` is the file's hash after the last, `seen` the
   * hashes its writes replaced. A box taken in hand from one of those (a nudge while the save
   * before it was on its way) names the file as the desk left it; any other hash is sent as
   * it was, and a hand edit on disk is still refused.
   */
  let own = { now: '', seen: new Set<string>() };
  let inFlight: Promise<unknown> = Promise.resolve();

  function edit(startHash: string, body: (hash: string) => object): Promise<{ status: number; reply: DeskReply }> {
    const run = inFlight.then(async () => {
      const hash = startHash === own.now || own.seen.has(startHash) ? own.now || startHash : startHash;
      const result = await postDeskEdit(token!, { ...body(hash), hash });
      if (result.reply.ok && result.reply.hash) {
        own.seen.add(hash);
        own.now = result.reply.hash;
      }
      return result;
    });
    inFlight = run.catch(() => undefined);
    return run;
  }
  let loads = 0;
  let applied = 0;

  async function load(): Promise<void> {
    const at = { writes, load: ++loads };
    try {
      const next = await fetchDeskState();
      if (at.writes !== writes || at.load < applied) return;
      applied = at.load;
      state = next;
      // A hash the desk did not write (a hand edit, a first read): only boxes taken from it may name it.
      if (next.hash !== own.now && !own.seen.has(next.hash)) own = { now: next.hash, seen: new Set() };
      probe.ready = true;
      undoButton.disabled = !state.canUndo;
      redoButton.disabled = !state.canRedo;
      tray.show(state.tray);
      if (state.error) say(`edition.yaml: ${state.error}`, true);
      draw();
    } catch (error) {
      say((error as Error).message, true);
    }
  }

  // ---- Drawing ----

  function fitLabel(box: DeskBox): { text: string; tone: string } | undefined {
    const list = box.stories.map((id) => fits.get(id)).filter((f): f is Fit => Boolean(f));
    if (list.length === 0 || box.kind === 'reserved' || box.kind === 'figure') return undefined;
    const over = list.reduce((n, f) => n + f.overset.chars, 0);
    const lines = list.reduce((n, f) => n + f.overset.lines, 0);
    // ≈: the story as set, before the fit search (tracking, headline step, photo lines) ran.
    const about = box.stories.some((id) => unfitted.has(id)) ? '≈ ' : '';
    if (over > 0) return { text: `${about}超版 ${over}字/${lines}行 · 删${over}字`, tone: 'bad' };
    const short = list[list.length - 1]!.short.lines;
    const add = list[list.length - 1]!.writeToFit?.add;
    if (short > 1) return { text: `${about}空 ${short}行${add ? ` · 补${add}字` : ''}`, tone: 'warn' };
    return { text: `${about}满 fits`, tone: 'ok' };
  }

  /** The 转版 choice, for a selected story that is overset and does not jump yet. */
  function drawJumpChoice(): void {
    const box = pageBoxes().find((b) => b.key === selected);
    const overset = box?.kind === 'story' && !box.continues && (fits.get(box.stories[0]!)?.overset.chars ?? 0) > 0;
    jumpSelect.hidden = !overset;
    if (!overset || jumpSelect.dataset.story === box.key) return;
    jumpSelect.dataset.story = box.key;
    const others = Object.keys(state?.pages ?? {}).filter((id) => id !== pageId);
    jumpSelect.replaceChildren(h('option', { value: '' }, '转版 continue on…'), ...others.map((id) => h('option', { value: id }, `→ ${id}`)));
  }

  function startDrawing(): void {
    const box = pageBoxes().find((b) => b.key === selected);
    const target = jumpSelect.value;
    jumpSelect.value = '';
    if (!box?.target || !target) return;
    drawing = { file: box.target.file, title: box.label };
    selected = undefined;
    options.go(target);
    say(`转版 draw the box on ${target} where “${box.label}” continues: drag across empty cells (Esc cancels)`);
  }

  /**
   * What the build will say about a story box: its sources' errors (file:line, as reported),
   * and from the layout on screen (or in the hand) a headline or a box that does not fit.
   */
  function storyNotes(box: DeskBox): HTMLElement[] {
    const snapshot = options.snapshot();
    if (!snapshot || (box.kind !== 'story' && box.kind !== 'stack')) return [];
    const notes: HTMLElement[] = [];
    const dir = snapshot.edition?.dir;
    const ofBox = (file: string) => (box.files ?? []).some((f) => file === `${dir}/${f}`);
    const errors = snapshot.errors.filter((e) => e.file && ofBox(e.file));
    if (errors.length > 0) {
      const where = (e: (typeof errors)[number]) => `${e.file.split('/').pop()}${e.line ? `:${e.line}` : ''}${e.line && e.column ? `:${e.column}` : ''}`;
      const more = errors.length > 1 ? ` (+${errors.length - 1})` : '';
      notes.push(h('span', { class: 'pw-desk-note-chip pw-bad', 'data-note': 'error', title: errors.map((e) => `${e.file}:${e.line ?? ''}:${e.column ?? ''} ${e.message}`).join('\n') }, `错 ${where(errors[0]!)} ${errors[0]!.message.slice(0, 80)}${more}`));
    }
    for (const id of box.stories) {
      const fit = fits.get(id);
      if (fit?.headline?.overflow) notes.push(h('span', { class: 'pw-desk-note-chip pw-bad', 'data-note': 'headline', title: fit.headline.overflow }, `题 headline does not fit: ${fit.headline.overflow.slice(0, 80)}`));
      for (const block of fit?.blocks ?? []) notes.push(h('span', { class: 'pw-desk-note-chip pw-bad', 'data-note': 'block', title: block.message }, `块 ${block.message.slice(0, 80)}`));
    }
    if (box.continues) {
      const cont = snapshot.pages.find((p) => p.id === box.continues)?.stories.find((s) => s.story === box.stories[0] && s.part === 'cont');
      const shownJumped = shownFits.get(box.stories[0]!)?.jumpedChars;
      const liveJumped = fits.get(box.stories[0]!)?.jumpedChars;
      // While the box is in the hand, what the continuation would hold: an estimate (≈).
      const g = grid;
      const moved = cont !== undefined && g !== undefined && shownJumped !== undefined && liveJumped !== undefined && liveJumped !== shownJumped;
      const over = moved ? estimateContinuationOverset(cont, shownJumped, liveJumped, Math.floor(g.columnWidthPt / g.bodySizePt)) : (cont?.overset.chars ?? 0);
      const about = moved ? '≈' : '';
      notes.push(h('span', { class: `pw-desk-note-chip ${over > 0 ? 'pw-bad' : 'pw-ok'}` }, over > 0 ? `转 ${box.continues} · 接续超版 ${about}${over}字` : `转 ${box.continues}${moved ? ' · 接续 ≈满' : ''}`));
    }
    return notes;
  }

  function draw(): void {
    drawJumpChoice();
    if (!active || !grid) return layer.replaceChildren();
    const g = grid;
    // Figures after their stories, so that they sit on top and take the clicks.
    const boxes = [...pageBoxes()].sort((a, b) => Number(a.kind === 'figure') - Number(b.kind === 'figure'));
    layer.replaceChildren(
      ...boxes.map((box) => {
        const at = shownBox.get(box.key) ?? box.box;
        const live = staysAuto(box) && !shownBox.has(box.key) ? fits.get(box.stories[0]!)?.box : undefined;
        const rect = boxRectPx(g, live ? { ...at, rows: live.rows } : at);
        const isSelected = box.key === selected;
        const problem = drag?.box.key === box.key ? drag.problem : nudge?.box.key === box.key ? nudge.problem : undefined;
        const fit = fitLabel(box);
        const el = h(
          'div',
          {
            class: ['pw-desk-box', `pw-desk-${box.kind}`, isSelected ? 'pw-desk-selected' : '', problem ? 'pw-desk-invalid' : '', fit?.tone === 'bad' ? 'pw-desk-overset' : ''].filter(Boolean).join(' '),
            'data-key': box.key,
            title: box.label,
          },
          isSelected || problem ? h('span', { class: 'pw-desk-cells' }, `${describeCells(at, staysAuto(box))}${problem ? ` · ${problem}` : ''}`) : null,
          fit ? h('span', { class: `pw-desk-fit pw-${fit.tone}`, 'data-fit': box.key }, fit.text) : null,
          h('span', { class: 'pw-desk-notes' }, ...storyNotes(box)),
          ...(isSelected && box.kind !== 'reserved' ? HANDLES.map((handle) => h('span', { class: `pw-desk-handle pw-desk-handle-${handle}`, 'data-handle': handle })) : []),
        );
        el.style.cssText = `left:${rect.left}px;top:${rect.top}px;width:${rect.width}px;height:${rect.height}px`;
        return el;
      }),
    );
    if (drawing?.box) {
      const rect = boxRectPx(g, drawing.box);
      const el = h('div', { class: `pw-desk-box pw-desk-continue pw-desk-selected${drawing.problem ? ' pw-desk-invalid' : ''}`, 'data-key': 'drawing' }, h('span', { class: 'pw-desk-cells' }, `转 ${describeCells(drawing.box)}${drawing.problem ? ` · ${drawing.problem}` : ''}`));
      el.style.cssText = `left:${rect.left}px;top:${rect.top}px;width:${rect.width}px;height:${rect.height}px`;
      layer.append(el);
    }
  }

  /** The box between the cell where the drawing started and the pointer's cell. */
  function drawTo(point: { col: number; row: number }): void {
    const from = drawing!.from!;
    const to = { col: Math.floor(point.col), row: Math.floor(point.row) };
    const box = { col: Math.min(from.col, to.col), cols: Math.abs(to.col - from.col) + 1, row: Math.min(from.row, to.row), rows: Math.abs(to.row - from.row) + 1 };
    if (drawing!.box && sameBox(box, drawing!.box)) return;
    drawing!.box = box;
    const pseudo: DeskBox = { key: 'drawing', kind: 'continue', label: drawing!.title, box, stories: [] };
    drawing!.problem = placementProblem(grid!, pseudo, box, pageBoxes());
    draw();
  }

  async function finishDrawing(): Promise<void> {
    const done = drawing;
    if (!done?.box) return;
    drawing = undefined;
    if (done.problem) {
      draw();
      return say(`不能放 refused: ${done.problem}`, true);
    }
    const started = { at: performance.now(), version: wanted };
    const { status, reply } = await edit(state!.hash, () => ({ op: 'continue', page: pageId, file: done.file, box: done.box }));
    await afterWrite(status, reply, started);
    if (reply.ok) say(`已转版 “${done.title}” continues on ${pageId}`);
  }

  // ---- Live copyfit ----

  let fitTimer = 0;
  /** Stories whose numbers are the story as set, before the fit search: shown with ≈. */
  const unfitted = new Set<string>();

  function relayout(box: DeskBox, at: DeskGridBox, fit = true): void {
    const desk = frameWindow()?.__pwDesk;
    if (!desk || box.kind === 'reserved') return;
    const stack = box.kind === 'stack' ? box : box.kind === 'figure' ? pageBoxes().find((b) => b.kind === 'stack' && b.stories.includes(box.stories[0]!)) : undefined;
    const owner = box.kind === 'figure' ? (stack ?? pageBoxes().find((b) => b.kind === 'story' && b.stories.includes(box.stories[0]!))) : box;
    if (!owner) return;
    const request: DeskRelayout = {
      stories: owner.stories,
      part: box.kind === 'continue' ? 'cont' : 'main',
      stackId: stack?.stackId,
      box: box.kind === 'figure' ? (shownBox.get(owner.key) ?? owner.box) : at,
      figure: box.kind === 'figure' ? { story: box.stories[0]!, index: box.target?.kind === 'figure' ? box.target.index : 0, box: at } : undefined,
      maxRows: staysAuto(box) ? roomBelow(at, pageBoxes().filter((o) => o.key !== box.key), grid!.rows) : undefined,
      fit,
    };
    const started = performance.now();
    try {
      for (const result of desk.relayout(request)) {
        fits.set(result.story, result);
        if (fit) unfitted.delete(result.story);
        else unfitted.add(result.story);
      }
      if (!fit) probe.layoutMs.push(Math.round(performance.now() - started));
    } catch (error) {
      say(`The story could not be laid out: ${(error as Error).message}`, true);
    }
    recordFits();
  }

  /** A step of a drag or a nudge: the box at its new cells, checked and laid out, then the numbers drawn. */
  function step(box: DeskBox, candidate: DeskGridBox, startedAt: number): string | undefined {
    const checked = staysAuto(box) ? { ...candidate, rows: Math.max(1, roomBelow(candidate, pageBoxes().filter((o) => o.key !== box.key), grid!.rows)) } : candidate;
    const problem = placementProblem(grid!, staysAuto(box) ? box : { ...box, auto: false }, checked, pageBoxes());
    shownBox.set(box.key, candidate);
    window.clearTimeout(fitTimer);
    if (!problem) {
      relayout(box, candidate, false);
      // When the hand rests, the same box with the fit search, as the build will set it.
      fitTimer = window.setTimeout(() => {
        const stepAt = performance.now();
        relayout(box, candidate, true);
        draw();
        requestAnimationFrame(() => probe.fitted.push(Math.round(performance.now() - stepAt + FIT_AFTER_MS)));
      }, FIT_AFTER_MS);
    }
    if (drag) drag.problem = problem;
    if (nudge) nudge.problem = problem;
    draw();
    // The numbers are in the DOM now; the time is to the next paint.
    requestAnimationFrame(() => probe.steps.push(Math.round(performance.now() - startedAt)));
    return problem;
  }

  /** A `rows: auto` box stays one while in the hand unless its height is set there. */
  const staysAuto = (box: DeskBox) => Boolean(box.auto) && !(drag?.box.key === box.key ? drag.fixRows : nudge?.box.key === box.key && nudge.fixRows);

  function restore(box: DeskBox): void {
    window.clearTimeout(fitTimer);
    shownBox.delete(box.key);
    relayout(box, box.box);
    draw();
  }

  // ---- Saving ----

  /** edition.yaml's box for a candidate: an auto box keeps `rows: auto` unless its height was set by hand. */
  function yamlBox(box: DeskBox, candidate: DeskGridBox, fixRows: boolean): DeskGridBox | (Omit<DeskGridBox, 'rows'> & { rows: number | 'auto' }) {
    return box.auto && !fixRows ? { ...candidate, rows: 'auto' } : candidate;
  }

  /** Whether a drag or nudge ending at `candidate` changes edition.yaml: other cells, or an auto box's rows made a number. */
  const changes = (box: DeskBox, start: DeskGridBox, candidate: DeskGridBox, fixRows: boolean) => !sameBox(candidate, start) || (Boolean(box.auto) && fixRows);

  async function save(box: DeskBox, candidate: DeskGridBox, hash: string, fixRows: boolean): Promise<void> {
    if (!box.target || !state) {
      // Nothing to write it against: the box goes back and the editor is told, never a silent loss.
      shownBox.delete(box.key);
      say(state ? `${box.label}: not a box edition.yaml places` : 'The desk is still reading edition.yaml: drop the box again', true);
      draw();
      return;
    }
    probe.saving = true;
    const at = { at: performance.now(), version: wanted };
    const target = box.target;
    saving.set(box.key, candidate);
    const { status, reply } = await edit(hash, () => ({ op: 'place', page: pageId, target, box: yamlBox(box, candidate, fixRows) }));
    if (saving.get(box.key) === candidate) saving.delete(box.key);
    probe.saving = saving.size > 0;
    // The next step starts from this one even before the layout is fetched again (in this
    // state's box, and in one a read during the write brought).
    if (reply.ok) for (const b of [box, ...pageBoxes().filter((o) => o.key === box.key)]) b.box = candidate;
    await afterWrite(status, reply, at, box);
  }

  async function afterWrite(status: number, reply: DeskReply, at: { at: number; version: number }, box?: DeskBox): Promise<void> {
    writes++;
    if (reply.ok) {
      if (state && reply.hash) state.hash = reply.hash;
      probe.saves++;
      // The new layout may be on screen before the reply came.
      if (probe.shownVersion > at.version) {
        probe.drops.push(Math.round(performance.now() - at.at));
        clearShown();
      } else dropAt = at;
      say('已保存 saved to edition.yaml');
    } else {
      if (box) restore(box);
      say(status === 409 ? '文件已改 edition.yaml changed on disk (edited by hand?): nothing was written; the layout was reloaded' : `未保存 not saved: ${[reply.error, ...(reply.messages ?? [])].filter(Boolean).join('; ')}`, true);
      if (status === 409) frames.load(frameUrl(true));
    }
    await load();
  }

  async function history(op: 'undo' | 'redo'): Promise<void> {
    if (!state || (op === 'undo' ? !state.canUndo : !state.canRedo)) return say(op === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
    const at = { at: performance.now(), version: wanted };
    const { status, reply } = await edit(state.hash, () => ({ op }));
    await afterWrite(status, reply, at);
    if (reply.ok) say(op === 'undo' ? '已撤销 undone' : '已重做 redone');
  }

  async function dropFromTray(file: string, x: number, y: number): Promise<void> {
    if (!grid || !state) return;
    const rect = options.holder.getBoundingClientRect();
    const scale = rect.width / options.holder.offsetWidth;
    const point = gridPoint(grid, (x - rect.left) / scale, (y - rect.top) / scale);
    const cell = { col: Math.floor(point.col), row: Math.floor(point.row) };
    if (cell.col < 1 || cell.row < 1 || cell.col > grid.columns || cell.row > grid.rows) return say('Drop a story on the page’s grid', true);
    const under = pageBoxes().find((b) => (b.kind === 'stack' || b.kind === 'story') && cell.col >= b.box.col && cell.col < b.box.col + b.box.cols && cell.row >= b.box.row && cell.row < b.box.row + b.box.rows);
    let at: object;
    // On a stack it joins the end; on a boxed story the two become a stack in that box.
    if (under?.target) at = under.kind === 'stack' ? { stack: under.target.file } : { story: under.target.file };
    else {
      // As wide as two columns when there is room, else one: the editor widens it after.
      const probeBox = { key: 'new', kind: 'story', label: file, box: cell, stories: [], auto: true } as unknown as DeskBox;
      const cols = [2, 1].find((n) => !placementProblem(grid!, probeBox, { ...cell, cols: n, rows: Math.max(1, roomBelow({ ...cell, cols: n, rows: 1 }, pageBoxes(), grid!.rows)) }, pageBoxes()));
      if (!cols) return say(`No room at column ${cell.col}, row ${cell.row}: it is taken or too close to the box below`, true);
      at = { col: cell.col, cols, row: cell.row };
    }
    const started = { at: performance.now(), version: wanted };
    const { status, reply } = await edit(state.hash, () => ({ op: 'add', page: pageId, file, at }));
    await afterWrite(status, reply, started);
  }

  // ---- Pointer ----

  const pointOf = (event: MouseEvent) => {
    const rect = options.holder.getBoundingClientRect();
    const scale = rect.width / options.holder.offsetWidth;
    return gridPoint(grid!, (event.clientX - rect.left) / scale, (event.clientY - rect.top) / scale);
  };

  layer.addEventListener('mousedown', (event) => {
    if (!grid || event.button !== 0) return;
    const target = event.target as HTMLElement;
    const el = target.closest<HTMLElement>('.pw-desk-box');
    const box = pageBoxes().find((b) => b.key === el?.dataset.key);
    // No text selection while dragging; the keys go to the desk, not to a control clicked before.
    event.preventDefault();
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    if (drawing && !box) {
      const point = pointOf(event);
      drawing.from = { col: Math.floor(point.col), row: Math.floor(point.row) };
      return drawTo(point);
    }
    if (!box || box.kind === 'reserved') {
      selected = undefined;
      return draw();
    }
    commitNudge();
    selected = box.key;
    const handle = (target.dataset.handle as Handle | undefined) ?? 'move';
    // A box whose last change is still being saved starts where it is shown, not where the file had it.
    const start = startOf(box);
    drag = { box, handle, start, from: pointOf(event), candidate: start, hash: state!.hash, moved: false, fixRows: /[ns]/.test(handle) };
    draw();
  });

  window.addEventListener('mousemove', (event) => {
    if (drawing?.from && grid) return drawTo(pointOf(event));
    if (!drag || !grid) return;
    const point = pointOf(event);
    const candidate = dragBox(drag.start, drag.handle, Math.round(point.col - drag.from.col), Math.round(point.row - drag.from.row));
    if (sameBox(candidate, drag.candidate)) return;
    drag.candidate = candidate;
    drag.moved = true;
    step(drag.box, candidate, event.timeStamp);
  });

  window.addEventListener('mouseup', () => {
    if (drawing?.from) return void finishDrawing();
    const ended = drag;
    drag = undefined;
    if (!ended || !ended.moved || !changes(ended.box, ended.start, ended.candidate, ended.fixRows)) return draw();
    if (ended.problem) {
      say(`不能放 refused: ${ended.problem}`, true);
      return restore(ended.box);
    }
    void save(ended.box, ended.candidate, ended.hash, ended.fixRows);
  });

  // ---- Keys ----

  function commitNudge(): void {
    const n = nudge;
    if (!n) return;
    nudge = undefined;
    window.clearTimeout(n.timer);
    if (n.problem) {
      say(`不能放 refused: ${n.problem}`, true);
      return restore(n.box);
    }
    if (changes(n.box, n.start, n.candidate, n.fixRows)) void save(n.box, n.candidate, n.hash, n.fixRows);
  }

  function nudgeBy(event: KeyboardEvent): boolean {
    const box = pageBoxes().find((b) => b.key === selected);
    const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (!box || !delta || drag || box.kind === 'reserved') return false;
    const start = startOf(box);
    nudge ??= { box, start, candidate: start, hash: state!.hash, timer: 0, fixRows: false };
    window.clearTimeout(nudge.timer);
    const [dc, dr] = delta as [number, number];
    if (event.shiftKey && dr !== 0) nudge.fixRows = true;
    const c = nudge.candidate;
    nudge.candidate = event.shiftKey ? { ...c, cols: Math.max(1, c.cols + dc), rows: Math.max(1, c.rows + dr) } : { ...c, col: c.col + dc, row: c.row + dr };
    step(box, nudge.candidate, event.timeStamp);
    nudge.timer = window.setTimeout(commitNudge, NUDGE_SAVE_MS);
    return true;
  }

  function cancel(): boolean {
    if (drawing) {
      drawing = undefined;
      say('已取消 cancelled');
      draw();
      return true;
    }
    if (drag) {
      const box = drag.box;
      drag = undefined;
      restore(box);
      say('已取消 cancelled');
      return true;
    }
    if (nudge) {
      const box = nudge.box;
      window.clearTimeout(nudge.timer);
      nudge = undefined;
      restore(box);
      say('已取消 cancelled');
      return true;
    }
    if (selected) {
      selected = undefined;
      draw();
      return true;
    }
    return false;
  }

  function frameUrl(fresh = false): string {
    return `/_preview/doc/${encodeURIComponent(pageId)}?v=${wanted}${fresh ? `.${Date.now()}` : ''}&layout-only&desk`;
  }

  return {
    get active() {
      return active;
    },
    toggle() {
      active = !active;
      probe.active = active;
      document.body.classList.toggle('pw-desk-on', active);
      bar.hidden = !active;
      tray.element.hidden = !active;
      if (active) {
        options.holder.append(framesHost, layer);
        void load();
      } else {
        cancel();
        framesHost.replaceChildren();
        framesHost.remove();
        layer.remove();
        wanted = -1;
      }
      options.onChange(active);
    },
    show(id, version, next) {
      grid = next;
      if (id !== pageId) {
        selected = undefined;
        shownBox.clear();
      }
      pageId = id;
      if (!active) return;
      if (version !== wanted) {
        wanted = version;
        frames.load(frameUrl());
      }
      // The state may bring new errors or a jump target's copyfit: shown at once, mid-drag too
      // (the dragged box is drawn where the hand has it).
      draw();
    },
    refresh() {
      if (active && !drag && !nudge) void load();
    },
    keydown(event) {
      if (!active) return false;
      const key = event.key.toLowerCase();
      if ((event.ctrlKey || event.metaKey) && key === 'z') {
        void history(event.shiftKey ? 'redo' : 'undo');
        return true;
      }
      if ((event.ctrlKey || event.metaKey) && key === 'y') {
        void history('redo');
        return true;
      }
      if (event.key === 'Escape') return cancel();
      if (event.key === 'Enter' && nudge) {
        commitNudge();
        return true;
      }
      return !event.ctrlKey && !event.metaKey && !event.altKey && nudgeBy(event);
    },
  };
}
