// The plate thread's entry in a clone (tests, `npx tsx src/cli.ts`): a worker starts with no
// loader, so tsx is registered here before the TypeScript entry is imported. A package runs
// dist/plate-worker.cjs instead (scripts/build-package.mjs).
import { register } from 'tsx/esm/api';
register();
await import('./plate-worker.ts');
