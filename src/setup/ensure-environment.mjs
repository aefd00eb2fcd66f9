#!/usr/bin/env node
// Installs what presswork needs on a fresh Debian machine: npm dependencies, Chromium,
// poppler-utils, Ghostscript, qpdf, fontTools and the BabelStone Han fallback font. Plain Node with no dependencies, because it runs
// before `npm ci`. Idempotent: a second run does nothing but check.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function log(message) {
  process.stderr.write(`presswork setup: ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
  }
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function ensureNodeModules() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
}

// Debian package per command we call at run time.
const systemTools = [
  { command: 'chromium', pkg: 'chromium', skipIf: () => Boolean(process.env.PRESSWORK_CHROMIUM) },
  { command: 'pdftoppm', pkg: 'poppler-utils' },
  { command: 'gs', pkg: 'ghostscript' },
  { command: 'qpdf', pkg: 'qpdf' },
  // The tests run the page measures (tests/tools/page-measures), which are Python scripts.
  { command: 'python3', pkg: 'python3' },
  // The rare-character fallback at the end of every font chain (src/fonts/font-chain.ts).
  { file: '/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf', pkg: 'fonts-babelstone-han' },
  // House fonts: CFF to TrueType and WOFF2 unpacking (src/fonts/to-truetype.py), with Debian's Python.
  { python: 'fontTools', pkg: 'python3-fonttools' },
  { python: 'brotli', pkg: 'python3-brotli' },
];

// Debian's fontTools lives in /usr/bin/python3, not in a pyenv or virtualenv python3.
const debianPython = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function isPresent(tool) {
  if (tool.skipIf?.()) return true;
  if (tool.file) return existsSync(tool.file);
  if (tool.python) return spawnSync(debianPython, ['-c', `import ${tool.python}`], { stdio: 'ignore' }).status === 0;
  return hasCommand(tool.command);
}

function ensureSystemTools() {
  const missing = systemTools.filter((tool) => !isPresent(tool));
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    throw new Error(
      `missing system tools: ${missing.map((t) => t.command ?? t.file ?? `python3 module ${t.python}`).join(', ')}. ` +
        `Install them with: sudo apt-get install -y ${packages.join(' ')} ` +
        `(or set PRESSWORK_CHROMIUM to a Chromium binary).`,
    );
  }
  log(`installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...packages], { env });
}

try {
  ensureNodeModules();
  ensureSystemTools();
  const chromium = process.env.PRESSWORK_CHROMIUM || 'chromium';
  const version = execFileSync(chromium, ['--version'], { encoding: 'utf8' }).trim();
  log(`ready (${version})`);
} catch (error) {
  log(error.message);
  process.exit(1);
}
