#!/usr/bin/env node
// Launcher for a clone: runs the TypeScript CLI through tsx, no build step (tests and benches
// use it). The published package's bin is dist/cli.js (`npm run build`).
import { register } from 'tsx/esm/api';
register();
await import('../cli.ts');
