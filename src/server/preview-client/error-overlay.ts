import type { PreviewMessage } from '../preview-state.js';
import { h } from './dom.js';

export interface ErrorOverlay {
  /** Show these errors (an empty list clears the overlay). */
  show(messages: PreviewMessage[]): void;
  readonly visible: boolean;
}

function location(m: PreviewMessage): string {
  if (!m.file) return m.page ? `page ${m.page}` : 'presswork';
  return `${m.file}${m.line ? `:${m.line}${m.column ? `:${m.column}` : ''}` : ''}`;
}

/**
 * Errors over the page, after Vite's overlay: file, line and message, with the source lines
 * around it. It goes away by itself on the next good save; Esc or a click outside hides it
 * until the errors change.
 */
export function createErrorOverlay(): ErrorOverlay {
  let root: HTMLElement | undefined;
  let shownKey = '';
  let dismissedKey = '';
  const remove = () => {
    root?.remove();
    root = undefined;
  };
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && root) {
      dismissedKey = shownKey;
      remove();
    }
  });
  return {
    show(messages) {
      const key = JSON.stringify(messages.map((m) => [m.file, m.line, m.column, m.message]));
      if (messages.length === 0) {
        shownKey = dismissedKey = '';
        return remove();
      }
      if (key === shownKey && root) return;
      if (key === dismissedKey) return;
      shownKey = key;
      remove();
      const panel = h(
        'div',
        { class: 'pw-error-window', role: 'document' },
        h('div', { class: 'pw-error-title' }, messages.length === 1 ? 'presswork: 1 error' : `presswork: ${messages.length} errors`),
        ...messages.map((m) =>
          h(
            'section',
            { class: 'pw-error' },
            h('div', { class: 'pw-error-file' }, location(m)),
            h('div', { class: 'pw-error-message' }, m.message, m.ruleId ? h('span', { class: 'pw-error-rule' }, ` ${m.ruleId}`) : null),
            m.frame ? h('pre', { class: 'pw-error-frame' }, m.frame) : null,
          ),
        ),
        h('div', { class: 'pw-error-tip' }, 'Fix the file and save: the preview updates by itself. Press Esc or click outside to hide this.'),
      );
      panel.addEventListener('click', (event) => event.stopPropagation());
      root = h('div', { id: 'pw-error-overlay', role: 'alertdialog', 'aria-label': 'Errors in the edition' }, panel);
      root.addEventListener('click', () => {
        dismissedKey = shownKey;
        remove();
      });
      document.body.append(root);
    },
    get visible() {
      return Boolean(root);
    },
  };
}
