#!/usr/bin/env node
// The published bin, copied to dist/cli.js by scripts/build-package.mjs: it runs dist/presswork.cjs,
// the whole Node CLI in one file (esbuild), so start-up neither resolves nor reads some 900 modules.
// Compiling that file is most of what is left: Node ≥ 22.1 keeps the compiled code itself
// (module.enableCompileCache); on Node 20 this keeps V8's code cache of it in the user's cache
// folder, one per command, written when a run ends, once (per bundle and Node version).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isMainThread, workerData } from 'node:worker_threads';

// A worker thread started on this file (the plate thread, src/pipeline/plate-thread.ts) runs
// the bundle its workerData names, with a code cache of its own.
const entry = isMainThread ? 'presswork.cjs' : workerData.bundle;
const bundle = join(dirname(fileURLToPath(import.meta.url)), entry);
// src/cli.ts sets this flag too (see there why). Set here first: V8 rejects a code cache made
// under other flags, and the cache is written when the run ends, after the bundle has set it.
// (Flags are the process's: a worker finds them set.)
if (isMainThread) v8.setFlagsFromString('--wasm-tiering-budget=2000000000');
const require = createRequire(bundle);

if (module.enableCompileCache) {
  module.enableCompileCache();
  require(bundle);
} else {
  runWithCodeCache();
}

function runWithCodeCache() {
  const source = readFileSync(bundle, 'latin1'); // plain ASCII, written so by the package build
  const { size, mtimeMs } = statSync(bundle);
  const command = !isMainThread ? entry.replace(/\.cjs$/, '') : /^[a-z][a-z-]*$/.test(process.argv[2] ?? '') ? process.argv[2] : 'help';
  // V8 checks a code cache against the source's length only: the key names the very file.
  const key = createHash('sha256').update(`${bundle}\n${size}\n${mtimeMs}\n${process.version}\n${process.arch}`).digest('hex').slice(0, 24);
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'presswork', 'code');
  const cacheFile = join(dir, `${key}-${command}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // First run of this command with this bundle.
  }
  const script = new vm.Script(module.wrap(source), {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (!cachedData || script.cachedDataRejected) {
    // At the end of the run: the cache then holds every function the command compiled. A worker
    // is ended without an exit event, so its bundle calls this itself once its first job is done.
    let saved = false;
    const save = () => {
      if (saved) return;
      saved = true;
      try {
        mkdirSync(dir, { recursive: true });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
        // Caches of other bundles (earlier versions, other installs) written over a week ago go;
        // one still in use is only written again.
        const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (!name.startsWith(key) && statSync(path).mtimeMs < weekAgo) rmSync(path, { force: true });
        }
      } catch {
        // A read-only cache folder only loses the shortcut.
      }
    };
    if (isMainThread) process.once('exit', save);
    else globalThis.__pressworkSaveCodeCache = save;
  }
  const moduleObject = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script.runInThisContext()(moduleObject.exports, require, moduleObject, bundle, dirname(bundle));
}
