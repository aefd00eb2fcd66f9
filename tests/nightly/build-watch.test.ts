import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchBuilds, type RebuildEvent } from '../../src/commands/build-watch.js';
import { launchChromium } from '../../src/render/chromium.js';
import { article, numberedSentences, TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';

async function until<T>(get: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`nothing after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('build --watch', () => {
  it('rebuilds only the saved story’s page and plate, with the same browser and server', async () => {
    const dir = writeEdition(TWO_PAGE_EDITION);
    const out = join(dir, '..', 'out');
    const log: string[] = [];
    const events: RebuildEvent[] = [];
    let launches = 0;
    const origins = new Set<string>();
    const watching = watchBuilds(
      {
        editions: [dir],
        out,
        strict: false,
        json: false,
        proofOnly: false,
        cache: true,
        logFormat: 'text',
        write: (text) => log.push(text),
        isTTY: false,
      },
      {
        onRebuild: (event) => events.push(event),
        launch: async () => {
          launches += 1;
          const browser = await launchChromium();
          // Where each tab navigated: a server kept for the session keeps one origin.
          browser.on('targetchanged', (target) => {
            if (target.url().includes('/html/')) origins.add(new URL(target.url()).origin);
          });
          return browser;
        },
      },
    );
    try {
      await watching.ready;
      const plate = (page: string) => join(out, 'edition', 'plates', `newspaper-20261126-${page}.pdf`);
      const before = { A1: statSync(plate('A1')).mtimeMs, A2: statSync(plate('A2')).mtimeMs };
      expect(log.join('')).toContain('watching edition for changes');

      writeFileSync(join(dir, 'two.md'), article('第二篇稿件改了标题', [numberedSentences(12, 100).join('')]));
      const event = await until(() => events[0], 180_000);
      expect(event.rendered).toEqual(['A2']);
      expect(event.report.ok).toBe(true);
      expect(event.platesMs).toBeGreaterThan(0);
      expect(event.doneMs).toBeGreaterThanOrEqual(event.platesMs!);
      expect(statSync(plate('A2')).mtimeMs).toBeGreaterThan(before.A2);
      expect(statSync(plate('A1')).mtimeMs).toBe(before.A1);
      expect(launches).toBe(1);
      expect(origins.size).toBe(1);
      expect(log.join('')).toMatch(/edition: rebuilt after a save: rendered A2; plates \d+\.\d s, done \d+\.\d s after the save/);
    } finally {
      await watching.close();
    }
  }, 300_000);
});
