import { resolve } from 'node:path';
import { runMergeReports } from '../commands/merge-reports.js';
import { log, UsageError } from './arguments.js';
import type { CommandRunner } from './commands.js';

export const run: CommandRunner = async (files, values) => {
  if (files.length === 0) throw new UsageError('merge-reports needs the report.json files of the shards');
  const ok = await runMergeReports({ reports: files.map((f) => resolve(f)), out: resolve(values.out as string), json: values.json === true, log });
  return ok ? 0 : 1;
};
