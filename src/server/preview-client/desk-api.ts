import type { DeskReply, DeskState } from '../desk-types.js';

/** The write token the server put in this page's shell; none when the preview is read-only. */
export function deskToken(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="pw-desk-token"]')?.content || undefined;
}

export async function fetchDeskState(): Promise<DeskState> {
  const response = await fetch('/_preview/desk/state.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The desk state could not be read (${response.status})`);
  return (await response.json()) as DeskState;
}

/** One edit; the reply says why when it was refused (409: the file changed on disk). */
export async function postDeskEdit(token: string, body: object): Promise<{ status: number; reply: DeskReply }> {
  const response = await fetch('/_preview/desk/edit', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Presswork-Token': token },
    body: JSON.stringify(body),
  });
  const reply = (await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }))) as DeskReply;
  return { status: response.status, reply };
}
