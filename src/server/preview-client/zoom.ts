export type ZoomValue = number | 'width' | 'page';

export interface Zoom {
  set(value: ZoomValue): void;
  /** Multiply the current scale, e.g. by 1.25. */
  by(factor: number): void;
  /** Re-apply after the window or the page size changed. */
  apply(): void;
}

const MIN = 0.1;
const MAX = 4;

/**
 * Scale the sheet with a CSS transform (the page document keeps its real size, so Paged.js
 * and the copyfit see print geometry) and keep the point at the centre of the view in place.
 */
export function createZoom(options: {
  viewport: HTMLElement;
  sheet: HTMLElement;
  inner: HTMLElement;
  size: () => { width: number; height: number };
  initial: string | null;
  onChange: (value: ZoomValue, label: string) => void;
}): Zoom {
  const { viewport, sheet, inner } = options;
  const parsed = options.initial === 'page' || options.initial === 'width' ? options.initial : Number(options.initial);
  let value: ZoomValue = typeof parsed === 'number' && !(parsed >= MIN && parsed <= MAX) ? 'width' : parsed;
  let scale = 1;

  const scaleFor = (v: ZoomValue) => {
    const { width, height } = options.size();
    if (!width || !height) return 1;
    const room = { width: viewport.clientWidth - 32, height: viewport.clientHeight - 32 };
    if (v === 'width') return Math.max(MIN, room.width / width);
    if (v === 'page') return Math.max(MIN, Math.min(room.width / width, room.height / height));
    return v;
  };

  function apply(): void {
    const { width, height } = options.size();
    // The point at the middle of the view, as a fraction of the sheet, stays where it is.
    const fx = sheet.offsetWidth ? (viewport.scrollLeft + viewport.clientWidth / 2 - sheet.offsetLeft) / sheet.offsetWidth : 0.5;
    const fy = sheet.offsetHeight ? (viewport.scrollTop + viewport.clientHeight / 2 - sheet.offsetTop) / sheet.offsetHeight : 0;
    scale = scaleFor(value);
    inner.style.width = `${width}px`;
    inner.style.height = `${height}px`;
    inner.style.transform = `scale(${scale})`;
    sheet.style.width = `${width * scale}px`;
    sheet.style.height = `${height * scale}px`;
    viewport.scrollLeft = sheet.offsetLeft + fx * sheet.offsetWidth - viewport.clientWidth / 2;
    viewport.scrollTop = sheet.offsetTop + fy * sheet.offsetHeight - viewport.clientHeight / 2;
    options.onChange(value, `${Math.round(scale * 100)}%`);
  }

  return {
    set(next) {
      value = next;
      apply();
    },
    by(factor) {
      value = Math.min(MAX, Math.max(MIN, Math.round(scale * factor * 100) / 100));
      apply();
    },
    apply,
  };
}
