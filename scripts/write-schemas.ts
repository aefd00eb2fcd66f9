// `npm run schema`: rewrite schema/*.schema.json from the zod schemas (src/edition/schema.ts).
import { join } from 'node:path';
import { writeJsonSchemas } from '../src/edition/json-schema.js';
import { PACKAGE_ROOT } from '../src/util/package-root.js';

for (const file of await writeJsonSchemas(join(PACKAGE_ROOT, 'schema'))) process.stdout.write(`wrote ${file}\n`);
