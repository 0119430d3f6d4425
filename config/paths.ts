import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json lives), whether running from source or from dist/. */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** Resolves a project-relative path (model files, rule files) against the project root. */
export function projectPath(p: string): string {
  return isAbsolute(p) ? p : resolve(projectRoot, p);
}
