// Makes the CLI executable after tsc (npm links bin entries to dist/cli.js).
import { chmodSync, existsSync } from 'node:fs';

if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
