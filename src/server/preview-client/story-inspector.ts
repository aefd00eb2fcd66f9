import type { LayoutState, ShownFrame } from './page-frame.js';

export interface StoryHit {
  story: string;
  part: 'main' | 'cont';
  file: string;
  fit?: LayoutState['copyfit'][number];
  /** Typography findings on this story in the shown page. */
  findings: NonNullable<LayoutState['audit']>;
}

/** Styles added to the page document for the preview only; the print build never has them. */
const INSPECT_CSS = `
.story { cursor: pointer; }
.story:hover { outline: 1.5pt dashed rgba(30, 110, 230, 0.75); outline-offset: -1pt; }
.story.pw-overset { outline: 3pt solid #e00000; outline-offset: -1.5pt; }
.story.pw-selected { outline: 2.5pt solid #1e6ee6; outline-offset: -1.5pt; }
.story.pw-overset.pw-selected { outline-color: #b00000; }
`;

/**
 * Outline overset boxes and report hovers and clicks on stories, in the page document.
 * Coordinates are handed back in the document's own CSS pixels.
 */
export function inspectStories(
  shown: ShownFrame,
  on: { hover: (hit: StoryHit | undefined, x: number, y: number) => void; click: (hit: StoryHit) => void },
): void {
  const { doc, state } = shown;
  const style = doc.createElement('style');
  style.id = 'pw-inspect-style';
  style.textContent = INSPECT_CSS;
  doc.head.append(style);
  const fitOf = (story: string, part: string) => state.copyfit.find((c) => c.story === story && c.part === part);
  for (const fit of state.copyfit) {
    if (fit.overset.chars <= 0) continue;
    const selector = `.story[data-story="${CSS.escape(fit.story)}"][data-part="${CSS.escape(fit.part)}"]`;
    doc.querySelectorAll(selector).forEach((el) => el.classList.add('pw-overset'));
  }
  const hitAt = (target: EventTarget | null): StoryHit | undefined => {
    const el = (target as Element | null)?.closest?.<HTMLElement>('.story[data-story]');
    if (!el) return undefined;
    const story = el.dataset.story ?? '';
    const part = el.dataset.part === 'cont' ? 'cont' : 'main';
    const findings = (state.audit ?? []).filter((f) => f.story === story);
    return { story, part, file: el.dataset.file ?? '', fit: fitOf(story, part), findings };
  };
  doc.addEventListener('mousemove', (event) => on.hover(hitAt(event.target), event.clientX, event.clientY));
  doc.addEventListener('mouseleave', () => on.hover(undefined, 0, 0));
  doc.addEventListener('click', (event) => {
    const hit = hitAt(event.target);
    if (!hit) return;
    event.preventDefault();
    doc.querySelectorAll('.story.pw-selected').forEach((el) => el.classList.remove('pw-selected'));
    const selector = `.story[data-story="${CSS.escape(hit.story)}"][data-part="${hit.part}"]`;
    doc.querySelectorAll(selector).forEach((el) => el.classList.add('pw-selected'));
    on.click(hit);
  });
}

/** `超版 37字／3行` style numbers for a story part, or undefined when it fits. */
export function oversetText(fit: StoryHit['fit']): string | undefined {
  return fit && fit.overset.chars > 0 ? `超版 ${fit.overset.chars} 字 / ${fit.overset.lines} 行 (overset)` : undefined;
}
