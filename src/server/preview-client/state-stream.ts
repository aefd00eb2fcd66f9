import type { PreviewSnapshot } from '../preview-state.js';

/**
 * Follow the server's state over Server-Sent Events. The browser reconnects by itself
 * when the server restarts; the first event after connecting is always the full state.
 */
export function subscribeState(onState: (snapshot: PreviewSnapshot) => void, onConnection: (connected: boolean) => void): () => void {
  const source = new EventSource('/_preview/events');
  source.addEventListener('state', (event) => {
    try {
      onState(JSON.parse((event as MessageEvent<string>).data) as PreviewSnapshot);
    } catch (error) {
      console.error('presswork preview: bad state event', error);
    }
  });
  source.addEventListener('open', () => onConnection(true));
  source.addEventListener('error', () => onConnection(false));
  return () => source.close();
}
