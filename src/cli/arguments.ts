import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Bad command-line usage: exit code 2 with the usage text (of `command`, when known). */
export class UsageError extends Error {
  command?: string;
}

function editionsUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'edition.yaml')))
    .map((d) => join(root, d.name))
    .sort();
}

/** The edition folders named on the command line, or every edition under ./articles. */
export function editionDirs(dirs: string[]): string[] {
  const editions = dirs.length > 0 ? dirs.map((d) => resolve(d)) : editionsUnder(resolve('articles'));
  for (const dir of editions) {
    if (!existsSync(join(dir, 'edition.yaml'))) throw new UsageError(`${dir} is not an edition folder (no edition.yaml)`);
  }
  if (editions.length === 0) throw new UsageError('No editions found under articles/');
  return editions;
}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0)) throw new UsageError(`${flag} needs a number above 0, got \`${value}\``);
  return number;
}

export const log = (line: string) => process.stderr.write(`${line}\n`);
