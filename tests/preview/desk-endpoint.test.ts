import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/server/desk-state.js';
import type { DeskReply, DeskState } from '../../src/server/desk-types.js';
import { emptyPage } from './desk-fixture.js';
import { startFixture, type PreviewFixture } from './preview-fixture.js';

// The desk's edit endpoint over HTTP, on a copy of the sample; no browser (layouts fail fast).

let fixture: PreviewFixture;
let origin: string;
let token: string;
let yamlPath: string;

const noBrowser = () => Promise.reject(new Error('no browser in this test'));

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: DeskReply }> {
  const response = await fetch(`${origin}/_preview/desk/edit`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'X-Presswork-Token': token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => ({}))) as DeskReply };
}

const yaml = () => readFile(yamlPath, 'utf8');
const hash = async () => sha256(await yaml());
/** news-laonian-shitang.md on A1: `box: {col: 4, cols: 2, row: 45, rows: 55}`. */
const LAONIAN = { kind: 'story', file: 'news-laonian-shitang.md' } as const;

beforeAll(async () => {
  fixture = await startFixture({ launch: noBrowser });
  origin = new URL(fixture.preview.url).origin;
  yamlPath = join(fixture.editionDir, 'edition.yaml');
  const shell = await (await fetch(`${origin}/page/A1`)).text();
  token = /<meta name="pw-desk-token" content="([0-9a-f]{64})">/.exec(shell)?.[1] ?? '';
  await fixture.preview.ready;
});

afterAll(async () => {
  await fixture?.close();
});

describe('desk edit endpoint', () => {
  it('hands its token to the page view only, and describes the layout', async () => {
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await fetch(`${origin}/`)).text()).not.toContain(token);
    const state = (await (await fetch(`${origin}/_preview/desk/state.json`)).json()) as DeskState;
    expect(state.hash).toBe(await hash());
    const a1 = state.pages.A1!;
    expect(a1.find((b) => b.key === 'story-news-laonian-shitang')?.box).toEqual({ col: 4, cols: 2, row: 45, rows: 55 });
    expect(a1.find((b) => b.kind === 'reserved')?.label).toBe('masthead');
    expect(a1.filter((b) => b.kind === 'stack').map((b) => b.stories.length)).toEqual([5, 3]);
    expect(state.pages.A4!.filter((b) => b.key.startsWith('ad-')).map((b) => b.box)).toEqual([{ col: 6, cols: 3, row: 1, rows: 21 }, { col: 6, cols: 3, row: 84, rows: 16 }]);
    expect(state.tray).toEqual([]); // the sample places every story
  });

  it('refuses a POST without the token, with another token, or from another origin (403), and leaves the file alone', async () => {
    const before = await yaml();
    const body = { op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 50 } };
    const refused = [
      await post(body, { 'X-Presswork-Token': '' }),
      await post(body, { 'X-Presswork-Token': 'f'.repeat(64) }),
      await post(body, { Origin: 'http://evil.example' }),
      await post(body, { Origin: `http://127.0.0.1:${Number(new URL(origin).port) + 1}` }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    const noOrigin = await fetch(`${origin}/_preview/desk/edit`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Presswork-Token': token }, body: JSON.stringify(body) });
    expect(noOrigin.status).toBe(403);
    expect(await yaml()).toBe(before);
  });

  it('refuses what is not a placement change, and bodies over the limit', async () => {
    const before = await yaml();
    const h = sha256(before);
    expect((await post({ op: 'place', hash: h, page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 50 }, paper: 'x' })).status).toBe(400);
    expect((await post({ op: 'write', hash: h, text: 'pages: []' })).status).toBe(400);
    expect((await post({ op: 'add', hash: h, page: 'A1', file: '../../etc/passwd', at: { col: 1, cols: 1, row: 1 } })).status).toBe(422);
    expect((await post('{"op": "place", "x": "' + 'a'.repeat(20_000) + '"}')).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
    expect(await yaml()).toBe(before);
  });

  it('refuses an overlapping box or one off the grid (422) and writes nothing', async () => {
    const before = await yaml();
    const overlap = await post({ op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 3, cols: 2, row: 45, rows: 55 } });
    expect(overlap.status).toBe(422);
    expect(overlap.json.messages?.join('\n')).toMatch(/overlap/);
    const off = await post({ op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 60, rows: 55 } });
    expect(off.status).toBe(422);
    expect(off.json.messages?.join('\n')).toMatch(/outside the grid/);
    expect(await yaml()).toBe(before);
  });

  it('changes exactly the numbers of a move, keeps every comment, and undoes and redoes byte for byte', async () => {
    const before = await yaml();
    const moved = await post({ op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 50 } });
    expect(moved).toMatchObject({ status: 200, json: { ok: true, canUndo: true, canRedo: false } });
    const after = await yaml();
    expect(moved.json.hash).toBe(sha256(after));
    expect(after).toBe(before.replace('box: {col: 4, cols: 2, row: 45, rows: 55}', 'box: {col: 4, cols: 2, row: 45, rows: 50}'));
    expect(after).toContain('# The desk may track a story');

    const undo = await post({ op: 'undo', hash: sha256(after) });
    expect(undo).toMatchObject({ status: 200, json: { ok: true, canUndo: false, canRedo: true } });
    expect(Buffer.compare(await readFile(yamlPath), Buffer.from(before))).toBe(0);
    const redo = await post({ op: 'redo', hash: sha256(before) });
    expect(redo.status).toBe(200);
    expect(await yaml()).toBe(after);
    await post({ op: 'undo', hash: sha256(after) });
    expect(await yaml()).toBe(before);
  });

  it('refuses a write named with an old hash (409) and keeps the hand edit', async () => {
    const loaded = await yaml();
    const hand = loaded.replace('credits: {editor: 陈静', '# edited by hand\ncredits: {editor: 陈静');
    await writeFile(yamlPath, hand);
    const stale = await post({ op: 'place', hash: sha256(loaded), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 50 } });
    expect(stale.status).toBe(409);
    expect(stale.json.hash).toBe(sha256(hand));
    expect(await yaml()).toBe(hand);
    // Undo of a step the hand edit came after is refused the same way.
    expect((await post({ op: 'undo', hash: sha256(loaded) })).status).toBe(409);
    await writeFile(yamlPath, loaded);
  });

  it('moves a placed figure inside its story, and refuses one that leaves it', async () => {
    const before = await yaml();
    const target = { kind: 'figure', file: 'feature-xianjin-zhizao.md', index: 0 };
    const moved = await post({ op: 'place', hash: sha256(before), page: 'A3', target, box: { col: 1, cols: 5, row: 12, rows: 36 } });
    expect(moved.json.error ?? '').toBe('');
    expect(moved.status).toBe(200);
    expect(await yaml()).toBe(before.replace('- {col: 1, cols: 5, row: 10, rows: 36}', '- {col: 1, cols: 5, row: 12, rows: 36}'));
    const off = await post({ op: 'place', hash: moved.json.hash, page: 'A3', target, box: { col: 1, cols: 5, row: 80, rows: 36 } });
    expect(off.status).toBe(422);
    expect(off.json.messages?.join('\n')).toMatch(/leaves its story/);
    await post({ op: 'undo', hash: moved.json.hash });
    expect(await yaml()).toBe(before);
  });

  it('writes `continue` for an overset story onto a box on another page', async () => {
    const before = await yaml();
    const shrink = await post({ op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 40 } });
    expect(shrink.status).toBe(200);
    const shrunk = await yaml();
    const jump = await post({ op: 'continue', hash: sha256(shrunk), page: 'A1', file: 'page-beitanghe-lvdao.md', box: { col: 4, cols: 2, row: 85, rows: 15 } });
    expect(jump.status).toBe(200);
    expect(await yaml()).toBe(
      shrunk.replace('        box: {col: 1, cols: 5, row: 32, rows: 68}\n', '        box: {col: 1, cols: 5, row: 32, rows: 68}\n        continue: {page: A1, box: {col: 4, cols: 2, row: 85, rows: 15}}\n'),
    );
    // A story in a stack gets it in its flow map; onto a taken box it is refused.
    const taken = await post({ op: 'continue', hash: jump.json.hash, page: 'A1', file: 'brief-yunhe-qingyu.md', box: { col: 4, cols: 2, row: 90, rows: 5 } });
    expect(taken.status).toBe(422);
    await post({ op: 'undo', hash: jump.json.hash });
    await post({ op: 'undo', hash: sha256(shrunk) });
    expect(await yaml()).toBe(before);
  });

  it('places a story from the tray as a rows: auto box, or at the end of a stack', async () => {
    const before = await yaml();
    await writeFile(join(fixture.editionDir, 'tray-story.md'), '---\ntitle: 托盘稿件\n---\n\n一段正文，二十个字左右的样子。\n');
    const state = (await (await fetch(`${origin}/_preview/desk/state.json`)).json()) as DeskState;
    expect(state.tray).toEqual([{ file: 'tray-story.md', title: '托盘稿件', chars: 15 }]);
    const stacked = await post({ op: 'add', hash: sha256(before), page: 'A4', file: 'tray-story.md', at: { stack: 'brief-quanmin-jianshen.md' } });
    expect(stacked.status).toBe(200);
    expect(await yaml()).toBe(before.replace('          - {file: brief-yunhe-qingyu.md}\n', '          - {file: brief-yunhe-qingyu.md}\n          - {file: tray-story.md}\n'));
    await post({ op: 'undo', hash: sha256(await yaml()) });
    const shrink = await post({ op: 'place', hash: sha256(before), page: 'A1', target: LAONIAN, box: { col: 4, cols: 2, row: 45, rows: 40 } });
    expect(shrink.status).toBe(200);
    const shrunk = await yaml();
    const placed = await post({ op: 'add', hash: sha256(shrunk), page: 'A1', file: 'tray-story.md', at: { col: 4, cols: 2, row: 85 } });
    expect(placed.status).toBe(200);
    expect(await yaml()).toBe(shrunk.replace('        box: {col: 4, cols: 2, row: 45, rows: 40}\n', '        box: {col: 4, cols: 2, row: 45, rows: 40}\n      - file: tray-story.md\n        box: {col: 4, cols: 2, row: 85, rows: auto}\n'));
    const again = await post({ op: 'add', hash: sha256(await yaml()), page: 'A1', file: 'tray-story.md', at: { col: 4, cols: 2, row: 90 } });
    expect(again.status).toBe(422);
  });
});

describe('desk from an empty page', () => {
  it('lays out A4 from `stories: []` and the tray, a stack made by dropping a story on a story, into the typed edition.yaml byte for byte', async () => {
    const sample = await yaml();
    const empty = emptyPage(sample, 'A4');
    expect(empty).not.toContain('page-xiandai-xuetuzhi.md');
    expect(empty).toContain('ads/zhengding-2027.pdf');
    await writeFile(yamlPath, empty);
    const story = (file: string) => ({ kind: 'story', file });
    const steps = [
      { op: 'add', page: 'A4', file: 'page-xiandai-xuetuzhi.md', at: { col: 1, cols: 2, row: 9 } },
      { op: 'place', page: 'A4', target: story('page-xiandai-xuetuzhi.md'), box: { col: 1, cols: 5, row: 9, rows: 23 } },
      { op: 'add', page: 'A4', file: 'page-beitanghe-lvdao.md', at: { col: 1, cols: 2, row: 32 } },
      { op: 'place', page: 'A4', target: story('page-beitanghe-lvdao.md'), box: { col: 1, cols: 5, row: 32, rows: 68 } },
      { op: 'add', page: 'A4', file: 'brief-quanmin-jianshen.md', at: { col: 6, cols: 2, row: 22 } },
      // Still `rows: auto`: it reaches down to the ad at row 84, the 62 rows the stack gets.
      { op: 'place', page: 'A4', target: story('brief-quanmin-jianshen.md'), box: { col: 6, cols: 3, row: 22, rows: 'auto' } },
      { op: 'add', page: 'A4', file: 'brief-dongjiu-shijia.md', at: { story: 'brief-quanmin-jianshen.md' } },
      { op: 'add', page: 'A4', file: 'brief-yunhe-qingyu.md', at: { stack: 'brief-quanmin-jianshen.md' } },
    ];
    for (const step of steps) expect((await post({ ...step, hash: await hash() })).json.error ?? 'ok').toBe('ok');
    expect(await yaml()).toBe(sample);
  });

  it('refuses to stack onto a story that is not on the page', async () => {
    const before = await yaml();
    const reply = await post({ op: 'add', hash: sha256(before), page: 'A2', file: 'tray-none.md', at: { story: 'page-beitanghe-lvdao.md' } });
    expect(reply.status).toBe(422);
    expect(reply.json.error).toMatch(/No boxed story `page-beitanghe-lvdao.md` on A2/);
    expect(await yaml()).toBe(before);
  });
});

describe('desk with --read-only', () => {
  it('has no token, no desk state and no edit route', async () => {
    const readOnly = await startFixture({ launch: noBrowser, readOnly: true });
    try {
      await readOnly.preview.ready;
      const url = new URL(readOnly.preview.url).origin;
      expect(await (await fetch(`${url}/page/A1`)).text()).not.toContain('pw-desk-token');
      expect((await fetch(`${url}/_preview/desk/state.json`)).status).toBe(404);
      const before = await readFile(join(readOnly.editionDir, 'edition.yaml'), 'utf8');
      const response = await fetch(`${url}/_preview/desk/edit`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: url }, body: JSON.stringify({ op: 'undo', hash: sha256(before) }) });
      expect(response.status).toBe(405);
    } finally {
      await readOnly.close();
    }
  });
});
