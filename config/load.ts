import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { projectRoot } from './paths.js';
import { type Config, configSchema } from './schema.js';

export { projectPath, projectRoot } from './paths.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

/** Environment variables that override config keys (DESIGN.md contracts). */
export const envOverrides: Array<{ env: string; path: string[]; parse: (v: string) => unknown }> = [
  { env: 'PORT', path: ['server', 'port'], parse: Number },
  { env: 'RADAR_PUBLIC_URL', path: ['server', 'publicUrl'], parse: String },
  { env: 'RADAR_DATA_DIR', path: ['store', 'dataDir'], parse: String },
  { env: 'ELASTICSEARCH_URL', path: ['store', 'elasticsearchUrl'], parse: String },
  { env: 'SEARCH_DATABASE_URL', path: ['search', 'postgresUrl'], parse: String },
  { env: 'REDIS_URL', path: ['queue', 'redisUrl'], parse: String },
  { env: 'CHROME_PATH', path: ['crawl', 'chromePath'], parse: String },
  { env: 'LOG_LEVEL', path: ['log', 'level'], parse: String },
  { env: 'LOG_FORMAT', path: ['log', 'format'], parse: String },
];

function readYaml(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`${file}: not valid YAML: ${reason}`, [{ path: '(file)', message: `${file}: ${reason}` }]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`${file}: top level must be a mapping`, []);
  return parsed as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges mappings; arrays and scalars from `over` replace those in `base`. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

export function formatIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** Validates a raw object; throws ConfigError listing the path of every bad key. */
export function parseConfig(raw: unknown, origin = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = formatIssues(result.error);
    throw new ConfigError(`invalid configuration (${origin}):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`, issues);
  }
  return result.data;
}

export interface LoadOptions {
  /** Extra YAML files merged over config/default.yaml, in order. */
  files?: string[];
  env?: NodeJS.ProcessEnv;
  /** Inline overrides merged last (tests). */
  overrides?: Record<string, unknown>;
}

/**
 * Loads config/default.yaml (and config/watchlist.yaml), then each file in `files`, then env overrides.
 * Fails fast with the path of any bad key.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const files = [resolve(projectRoot, 'config/default.yaml'), ...(options.files ?? [])];
  if (env.RADAR_CONFIG) files.push(env.RADAR_CONFIG);
  let raw: Record<string, unknown> = { watchlist: readWatchlist() };
  for (const f of files) {
    const file = isAbsolute(f) ? f : resolve(process.cwd(), f);
    if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`, [{ path: '(file)', message: file }]);
    raw = deepMerge(raw, readYaml(file));
  }
  for (const o of envOverrides) {
    const v = env[o.env];
    if (v !== undefined && v !== '') setPath(raw, o.path, o.parse(v));
  }
  if (options.overrides) raw = deepMerge(raw, options.overrides);
  return parseConfig(raw, files.join(', '));
}

function readWatchlist(): unknown {
  const file = resolve(projectRoot, 'config/watchlist.yaml');
  return existsSync(file) ? (parseYaml(readFileSync(file, 'utf8')) as unknown) : [];
}
