import type { TrayStory } from '../desk-types.js';
import { h } from './dom.js';

export interface DeskTray {
  element: HTMLElement;
  show(stories: TrayStory[]): void;
}

/**
 * The story tray (稿件): Markdown files of the edition that no page places, with their length.
 * A story is dragged out with the mouse and dropped on the page at a cell.
 */
export function createDeskTray(options: { onDrop: (file: string, clientX: number, clientY: number) => void }): DeskTray {
  const list = h('ul', { class: 'pw-tray-list' });
  const element = h('aside', { class: 'pw-desk-tray', hidden: true, 'aria-label': 'Story tray' }, h('div', { class: 'pw-tray-head' }, '稿件 Stories not placed'), list);
  let dragging: { file: string; ghost: HTMLElement } | undefined;

  window.addEventListener('mousemove', (event) => {
    if (!dragging) return;
    dragging.ghost.style.left = `${event.clientX + 8}px`;
    dragging.ghost.style.top = `${event.clientY + 8}px`;
  });
  window.addEventListener('mouseup', (event) => {
    const done = dragging;
    dragging = undefined;
    if (!done) return;
    done.ghost.remove();
    // Dropped back on the tray: nothing happens.
    if (!element.contains(document.elementFromPoint(event.clientX, event.clientY))) options.onDrop(done.file, event.clientX, event.clientY);
  });

  return {
    element,
    show(stories) {
      list.replaceChildren(
        ...(stories.length === 0
          ? [h('li', { class: 'pw-tray-empty' }, 'Every story is placed. Add a Markdown file to the edition folder to see it here.')]
          : stories.map((story) => {
              const item = h('li', { class: 'pw-tray-item', 'data-file': story.file, title: story.file }, h('span', { class: 'pw-tray-title' }, story.title), h('span', { class: 'pw-tray-chars' }, `${story.chars}字`));
              item.addEventListener('mousedown', (event) => {
                if (event.button !== 0) return;
                event.preventDefault();
                const ghost = h('div', { class: 'pw-tray-ghost' }, story.title);
                ghost.style.left = `${event.clientX + 8}px`;
                ghost.style.top = `${event.clientY + 8}px`;
                document.body.append(ghost);
                dragging = { file: story.file, ghost };
              });
              return item;
            })),
      );
    },
  };
}
