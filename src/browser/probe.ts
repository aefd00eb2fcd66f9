/**
 * A hidden frame of one column and no fixed height inside `story`: text set in it breaks into
 * the lines it would take in the story's columns, at the story's tracking, and its height
 * counts them. The caller removes it.
 */
export function columnProbe(story: HTMLElement, className: string, trackingEm?: number): HTMLElement {
  const probe = story.ownerDocument.createElement('div');
  probe.className = `frame ${className}`;
  probe.style.cssText = 'visibility: hidden; height: auto; left: 0; top: 0';
  // At a tracking of its own (typography.fit) rather than the one the story shows.
  if (trackingEm !== undefined) probe.style.setProperty('--tracking', `${trackingEm}em`);
  story.append(probe);
  return probe;
}
