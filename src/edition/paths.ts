import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export class PathEscapeError extends Error {}

/**
 * Resolve a path written in the edition (an article or an image) against the edition
 * folder. Absolute paths, `..` segments and symlinks that lead outside are refused.
 */
export function resolveInside(root: string, reference: string): string {
  const decoded = safeDecode(reference);
  if (isAbsolute(decoded) || /^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.includes('\0')) {
    throw new PathEscapeError(`\`${reference}\` must be a path relative to the edition folder`);
  }
  if (decoded.split(/[\\/]/).includes('..')) {
    throw new PathEscapeError(`\`${reference}\` leaves the edition folder`);
  }
  const target = resolve(root, decoded);
  if (!isWithin(root, target)) throw new PathEscapeError(`\`${reference}\` leaves the edition folder`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return target; // does not exist: the caller reports the missing file
  }
  if (!isWithin(realpathSync(root), real)) {
    throw new PathEscapeError(`\`${reference}\` links outside the edition folder`);
  }
  return target;
}

export function isWithin(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
