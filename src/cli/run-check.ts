import { runCheck } from '../commands/check.js';
import { editionDirs, log } from './arguments.js';
import type { CommandRunner } from './commands.js';

export const run: CommandRunner = async (dirs, values) => {
  const ok = await runCheck({ editions: editionDirs(dirs), fixPreview: values['fix-preview'] === true, strict: values.strict === true, log });
  return ok ? 0 : 1;
};
