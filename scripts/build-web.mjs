// Bundles the dashboard (web/src) into web/dist: index.html, app.js (with ECharts from
// node_modules, so it works offline) and app.css. Type-checks web/src first unless --no-check.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const out = join(web, 'dist');
const args = new Set(process.argv.slice(2));

if (!args.has('--no-check')) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(web, 'tsconfig.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('build-web: type errors in web/src');
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(web, 'src/main.ts'), 'app-style': join(web, 'src/app.css') },
  outdir: out,
  bundle: true,
  minify: !args.has('--dev'),
  sourcemap: args.has('--dev') ? 'inline' : false,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
// esbuild names the CSS after its entry; the page loads app.css.
copyFileSync(join(out, 'app-style.css'), join(out, 'app.css'));
rmSync(join(out, 'app-style.css'));
copyFileSync(join(web, 'index.html'), join(out, 'index.html'));
const bytes = Object.entries(result.metafile.outputs)
  .map(([file, o]) => `${file.replace(`${root}/`, '').replace('app-style.css', 'app.css')} ${(o.bytes / 1024).toFixed(0)} KiB`)
  .join(', ');
console.log(`build-web: ${bytes}`);
