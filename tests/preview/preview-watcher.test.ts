import { describe, expect, it } from 'vitest';
import { classifySource } from '../../src/pipeline/watch-sources.js';

const roots = { editionDir: '/e/2026-11-26', templatesDir: '/r/templates', stylesDir: '/r/styles' };

describe('classifySource', () => {
  it.each([
    ['/e/2026-11-26/edition.yaml', 'edition'],
    ['/e/2026-11-26/feature.md', 'article'],
    ['/e/2026-11-26/images/a.jpg', 'asset'],
    ['/r/templates/partials/folio.hbs', 'template'],
    ['/r/styles/newspaper.css', 'style'],
  ])('%s is a %s', (path, kind) => {
    expect(classifySource(path, roots)).toBe(kind);
  });

  it.each(['/e/2026-11-26/.feature.md.swp', '/e/2026-11-26/feature.md~', '/r/templates/notes.txt', '/r/styles/.hidden.css', '/elsewhere/a.md', '/e/2026-11-26'])(
    'ignores %s',
    (path) => {
      expect(classifySource(path, roots)).toBeUndefined();
    },
  );
});
