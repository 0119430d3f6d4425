#!/usr/bin/env node
// Placeholder entry until the CLI lands (radar start | demo | analyze).
console.error('radar: not wired yet');
process.exit(1);
