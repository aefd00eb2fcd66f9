import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { changeFor, DeskRefusal, deskRequestSchema, type DeskRequest, type ResolvedBox } from './desk-edits.js';
import { deskState, figureProblems, loadLayout, sha256 } from './desk-state.js';
import type { DeskReply } from './desk-types.js';
import { applyYamlChange } from './desk-yaml.js';

export const DESK_STATE_PATH = '/_preview/desk/state.json';
export const DESK_EDIT_PATH = '/_preview/desk/edit';
export const TOKEN_HEADER = 'x-presswork-token';
/** Far above any placement request; a bigger body is not one. */
const MAX_BODY_BYTES = 16 * 1024;

export interface DeskEndpoint {
  /** The per-server secret the page shell hands to its own page. */
  token: string;
  /** Answers the desk's routes; false when the request is not for the desk. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

interface Step {
  before: string;
  after: string;
}

function reply(res: ServerResponse, status: number, body: DeskReply | object): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function sameSecret(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The layout desk's edit endpoint: the one place the preview writes, and only to the served
 * edition's edition.yaml. A write needs the server's token and the page's own Origin, names
 * the file's hash as the page loaded it (a file changed on disk since is never overwritten),
 * must be a placement change, and must not add an error to the edition (schema, grid,
 * overlaps). Undo and redo put back the exact bytes of a step, on the same conditions.
 */
export function createDeskEndpoint(options: { editionDir: string; log: (line: string) => void }): DeskEndpoint {
  const token = randomBytes(32).toString('hex');
  const yamlPath = join(options.editionDir, 'edition.yaml');
  const done: Step[] = [];
  const undone: Step[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const flags = () => ({ canUndo: done.length > 0, canRedo: undone.length > 0 });

  /** One write at a time: each checks the hash the last one left. */
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  };

  async function write(text: string, expected: string): Promise<boolean> {
    // Read again just before the rename: a hand edit that came in during the checks wins.
    if (sha256(await readFile(yamlPath)) !== expected) return false;
    await writeFileAtomic(yamlPath, text);
    return true;
  }

  async function edit(request: DeskRequest): Promise<{ status: number; body: DeskReply }> {
    const current = await readFile(yamlPath, 'utf8');
    const hash = sha256(current);
    const changed = { status: 409, body: { ok: false, hash, error: 'edition.yaml changed on disk since the page loaded it; the layout was reloaded', ...flags() } };
    if (request.hash !== hash) return changed;
    if (request.op === 'undo' || request.op === 'redo') {
      const [from, to] = request.op === 'undo' ? [done, undone] : [undone, done];
      const step = from[from.length - 1];
      if (!step) return { status: 400, body: { ok: false, hash, error: `Nothing to ${request.op}` } };
      const [expect, restore] = request.op === 'undo' ? [step.after, step.before] : [step.before, step.after];
      if (sha256(expect) !== hash) return changed;
      if (!(await write(restore, hash))) return changed;
      to.push(from.pop()!);
      options.log(`preview desk: ${request.op} in edition.yaml`);
      return { status: 200, body: { ok: true, hash: sha256(restore), ...flags() } };
    }
    const before = await loadLayout(options.editionDir, current);
    const resolved: ResolvedBox = (page, file) => before.edition?.pages.find((p) => p.config.id === page)?.stories.find((s) => s.config.file === file && !s.config.stack)?.box;
    let next: string;
    try {
      next = applyYamlChange(current, changeFor(current, request, resolved));
    } catch (error) {
      return { status: 422, body: { ok: false, hash, error: (error as Error).message } };
    }
    const after = await loadLayout(options.editionDir, next);
    const known = new Set([...before.errors, ...(before.edition ? figureProblems(before.edition) : [])]);
    const added = [...after.errors, ...(after.edition ? figureProblems(after.edition) : [])].filter((m) => !known.has(m));
    if (added.length > 0) return { status: 422, body: { ok: false, hash, error: 'The edition would have errors; nothing was written', messages: added } };
    if (!(await write(next, hash))) return changed;
    done.push({ before: current, after: next });
    undone.length = 0;
    options.log(`preview desk: ${describe(request)} in edition.yaml`);
    return { status: 200, body: { ok: true, hash: sha256(next), ...flags() } };
  }

  return {
    token,
    async handle(req, res, path) {
      if (path === DESK_STATE_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        const text = await readFile(yamlPath, 'utf8');
        reply(res, 200, await deskState(options.editionDir, text, flags()));
        return true;
      }
      if (path !== DESK_EDIT_PATH) return false;
      if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST' });
        res.end();
        return true;
      }
      // The page's own origin only, and the token only its shell knows (CSRF, other loopback sites).
      if (req.headers.origin !== `http://${req.headers.host}` || !sameSecret(req.headers[TOKEN_HEADER], token)) {
        return (reply(res, 403, { ok: false, error: 'Forbidden: a desk edit needs the page’s token and origin' }), true);
      }
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return (reply(res, 415, { ok: false, error: 'Expected application/json' }), true);
      const body = await readBody(req);
      if (body === undefined) return (reply(res, 413, { ok: false, error: `A desk edit is at most ${MAX_BODY_BYTES} bytes` }), true);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return (reply(res, 400, { ok: false, error: 'The body is not JSON' }), true);
      }
      const parsed = deskRequestSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return (reply(res, 400, { ok: false, error: `Not a placement change: ${issue.path.join('.') || 'body'}: ${issue.message}` }), true);
      }
      try {
        const result = await serial(() => edit(parsed.data));
        reply(res, result.status, result.body);
      } catch (error) {
        if (error instanceof DeskRefusal) reply(res, 422, { ok: false, error: error.message });
        else throw error;
      }
      return true;
    },
  };
}

function describe(request: DeskRequest): string {
  if (request.op === 'add') return 'story' in request.at ? `stacked ${request.file} under ${request.at.story} on ${request.page}` : `placed ${request.file} on ${request.page}`;
  if (request.op === 'continue') return `${request.file} continues on ${request.page}`;
  if (request.op === 'place') {
    const { col, cols, row, rows } = request.box;
    return `${request.target.kind} ${request.target.file} on ${request.page} to col ${col}, cols ${cols}, row ${row}, rows ${rows}`;
  }
  return request.op;
}
