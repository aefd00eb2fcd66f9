export interface PreviewOptions {
  edition: string;
  out: string;
  port?: number;
  host?: string;
  log: (line: string) => void;
}

// Placeholder until the preview server lands (issue 6).
export async function runPreview(_options: PreviewOptions): Promise<void> {
  throw new Error('presswork preview is not implemented yet');
}
