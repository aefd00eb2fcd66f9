import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as cjk from '../../src/cjk/index.js';

const dir = fileURLToPath(new URL('../../src/cjk/', import.meta.url));

describe('public API', () => {
  it('exports the rules, the constants and the rule ids', () => {
    expect(typeof cjk.normalizeCjkText).toBe('function');
    expect(typeof cjk.normalizeCjkTree).toBe('function');
    expect(typeof cjk.findInseparableRanges).toBe('function');
    expect(typeof cjk.findProtectedRanges).toBe('function');
    expect(cjk.INSEPARABLE_PAIRS).toEqual(['——', '……']);
    expect(cjk.LINE_START_PROHIBITED).toContain('，');
    expect(cjk.LINE_END_PROHIBITED).toContain('“');
    expect(cjk.FULLWIDTH_PUNCTUATION[',']).toBe('，');
    expect(cjk.CJK_RULE_IDS).toEqual([
      'fullwidth-punctuation',
      'punctuation-space',
      'curly-quotes',
      'halfwidth-alphanumeric',
      'han-latin-space',
      'em-dash',
      'ellipsis',
    ]);
  });
});

describe('browser safety', () => {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));

  it('imports nothing from Node', () => {
    for (const file of files) {
      const source = readFileSync(dir + file, 'utf8');
      expect(source, file).not.toMatch(/from '(node:|fs|path|url|os)/);
    }
  });

  it('bundles for the browser with esbuild', async () => {
    const result = await build({
      entryPoints: [dir + 'index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('normalizeCjkText');
  });
});
