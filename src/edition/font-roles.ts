/**
 * The font roles the styles define, each as `--font-<role>` in `:root` of
 * styles/newspaper.css: body 宋, heading 黑, kai 楷 (notes, captions, bylines). A headline's
 * `font:` names one of them. This list is the one place that knows them: a house style that
 * adds a role adds it here (and its `--font-<role>` to the styles).
 */
export const FONT_ROLES: readonly string[] = ['body', 'heading', 'kai'];

export function isFontRole(name: string): boolean {
  return FONT_ROLES.includes(name);
}
