/**
 * Supplied ads in the page view: the page document leaves each ad's frame empty, as in
 * print (the ad's own file is placed after printing), so the preview fills it with the
 * server's picture of the ad and marks it as locked: the desk places stories around ads,
 * never moves them (they are booked, and edited in edition.yaml only).
 */
export function showAdFrames(doc: Document): void {
  for (const frame of doc.querySelectorAll<HTMLElement>('.ad-frame[data-ad]')) {
    const file = frame.dataset.ad ?? '';
    frame.style.background = `#fff url("/_preview/ad.png?file=${encodeURIComponent(file)}") center / 100% 100% no-repeat`;
    frame.style.outline = '1px dashed #7a7a7a';
    frame.title = `广告 ${frame.dataset.client ?? file}（锁定）`;
    if (frame.querySelector('.pw-ad-label')) continue;
    const label = doc.createElement('span');
    label.className = 'pw-ad-label';
    label.textContent = `广告 · ${frame.dataset.client ?? file} · 锁定`;
    label.style.cssText = 'position:absolute;left:0;top:0;padding:1px 4px;font:9px sans-serif;background:rgba(0,0,0,.6);color:#fff;pointer-events:none';
    frame.append(label);
  }
}
