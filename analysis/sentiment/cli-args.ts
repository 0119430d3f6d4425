import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** `--name value` lookup for the small training CLIs. */
export function argValue(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

/** Watchlist aliases (config/watchlist.yaml), given to the tokenizer as in production. */
export function watchlistAliases(): string[] {
  const path = fileURLToPath(new URL('../../config/watchlist.yaml', import.meta.url));
  const alt = fileURLToPath(new URL('../../../config/watchlist.yaml', import.meta.url));
  const file = existsSync(path) ? path : existsSync(alt) ? alt : undefined;
  if (!file) return [];
  const list = parse(readFileSync(file, 'utf8')) as { name?: string; aliases?: string[] }[];
  return [...new Set(list.flatMap((i) => [i.name ?? '', ...(i.aliases ?? [])]).filter(Boolean))].sort();
}
