import { startPreviewServer } from '../server/preview-server.js';

export interface PreviewOptions {
  edition: string;
  out: string;
  port?: number;
  host?: string;
  /** No layout desk: the preview never writes to the edition. */
  readOnly?: boolean;
  log: (line: string) => void;
  /** Stops the preview; by default Ctrl-C or SIGTERM. */
  signal?: AbortSignal;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `presswork preview`: serve one edition with live reload until interrupted. */
export async function runPreview(options: PreviewOptions): Promise<void> {
  const preview = await startPreviewServer(options);
  options.log(`presswork preview: ${preview.url}`);
  if (options.host && !LOOPBACK.has(options.host)) {
    options.log(`presswork preview: listening on ${options.host}: anyone who can reach this machine can read the edition`);
  }
  preview.ready.then(
    () => options.log('presswork preview: pages ready; watching for changes (Ctrl-C to stop)'),
    (error: unknown) => options.log(`presswork preview: ${(error as Error).message}`),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    if (options.signal) {
      if (options.signal.aborted) return stop();
      options.signal.addEventListener('abort', stop, { once: true });
    }
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await preview.close();
}
