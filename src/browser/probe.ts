/**
 * A hidden frame of one column and no fixed height inside `story`: text set in it breaks into
 * the lines it would take in the story's columns, at the story's tracking, and its height
 * counts them. The caller removes it.
 */
export function columnProbe(story: HTMLElement, className: string): HTMLElement {
  const probe = story.ownerDocument.createElement('div');
  probe.className = `frame ${className}`;
  probe.style.cssText = 'visibility: hidden; height: auto; left: 0; top: 0';
  story.append(probe);
  return probe;
}
