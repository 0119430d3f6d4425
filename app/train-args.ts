import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { projectPath } from '../config/paths.js';

/** `--name value` lookup for the small training CLIs. */
export function argValue(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

/** Watchlist aliases (config/watchlist.yaml), given to the tokenizer as in production. */
export function watchlistAliases(): string[] {
  const file = projectPath('config/watchlist.yaml');
  if (!existsSync(file)) return [];
  const list = parse(readFileSync(file, 'utf8')) as { name?: string; aliases?: string[] }[];
  return [...new Set(list.flatMap((i) => [i.name ?? '', ...(i.aliases ?? [])]).filter(Boolean))].sort();
}
