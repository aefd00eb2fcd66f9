import { resolve } from 'node:path';
import { runPreview } from '../commands/preview.js';
import { editionDirs, log, positiveNumber, UsageError } from './arguments.js';
import type { CommandRunner } from './commands.js';

export const run: CommandRunner = async (dirs, values) => {
  if (dirs.length > 1) throw new UsageError('preview takes one edition folder');
  await runPreview({
    edition: editionDirs(dirs)[0]!,
    out: resolve(values.out as string),
    port: positiveNumber(values.port as string | undefined, '--port'),
    host: values.host as string | undefined,
    readOnly: values['read-only'] === true,
    log,
  });
  return 0;
};
