// Enforces the layering in DESIGN.md: which top-level folder may import which. Run by `npm run lint`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
/** The product's own folders (everything but test/, bench/ and web/, which production code never imports). */
const product = ['lib', 'config', 'store', 'queue', 'analysis', 'crawlers', 'escalation', 'api', 'app'];
/**
 * folder (or top-level file) → what it may import besides itself (a folder, or one file of another folder).
 * The pure analysis layer reads no configuration files: it gets the schema types and project paths only; the
 * composition roots (app/, cli.ts) load the config and inject it. Nothing listed here may import test/.
 */
const allowed = {
  lib: [],
  config: ['lib'],
  store: ['lib', 'config'],
  queue: ['lib', 'config'],
  analysis: ['lib', 'config/schema.ts', 'config/sections', 'config/paths.ts'],
  crawlers: ['lib', 'config', 'store/store.ts'],
  escalation: ['lib', 'config', 'store/store.ts', 'analysis/types.ts'],
  api: [
    'lib',
    'config',
    'store/store.ts',
    'store/search/search-index.ts',
    'store/search/store-index.ts',
    'store/search/errors.ts',
    'queue/queue.ts',
    'analysis',
    'escalation',
    'crawlers/types.ts',
  ],
  app: product,
  'cli.ts': product,
  web: [],
  // the benches are harnesses: they may reuse the test helpers (databases, processes), never the other way round
  bench: [...product, 'test'],
};

function* files(dir) {
  if (!statSync(dir).isDirectory()) {
    yield dir;
    return;
  }
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const violations = [];
for (const [folder, may] of Object.entries(allowed)) {
  for (const file of files(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = relative(root, normalize(join(dirname(file), m[1]))).replace(/\.js$/, '.ts');
      const top = target.split('/')[0];
      if (top === folder || target === folder) continue;
      if (may.some((a) => target === a || target.startsWith(`${a}/`) || (top === a && !a.includes('/')))) continue;
      violations.push(`${relative(root, file)} imports ${target} (${folder}/ may import: ${may.join(', ') || 'nothing'})`);
    }
  }
}
if (violations.length > 0) {
  console.error(`forbidden cross-folder imports (see DESIGN.md "Layout"):\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log('import layering ok');
