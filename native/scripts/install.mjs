#!/usr/bin/env node
// npm's `install` step for @nutshell/native: builds the addon from the C++/CUDA sources in this
// package with cmake-js, offline (headers come from the node-api-headers and node-addon-api
// packages, see "binary.napi_versions"). Before it calls cmake-js it checks the prerequisites and,
// when some are missing, stops with one message that says what and how to install it.
//
// Inside the nutshell repository (a workspace install such as `npm ci` at the root) it does
// nothing: turbo's `npm run build` builds the addon there, with the sources' generated files.
//
// Environment: NUTSHELL_CUDA=AUTO|ON|OFF (default AUTO), CUDNN_ROOT/CUDNN_HOME/CUBLAS_ROOT/CUDA_HOME
// and NUTSHELL_CUDA_ARCHS (read by CMake), CMAKE_BUILD_PARALLEL_LEVEL (default: all cores),
// CMAKE_CXX_COMPILER_LAUNCHER=ccache (read by CMake), NUTSHELL_SKIP_BUILD=1 (build nothing).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`@nutshell/native: ${line}`);

/** The monorepo root when this package is its `native` workspace, else undefined. */
function monorepoRoot() {
  if (packageDir.split(sep).includes('node_modules')) return undefined;
  const root = dirname(packageDir);
  if (!existsSync(join(root, 'turbo.json'))) return undefined;
  try {
    const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const patterns = Array.isArray(workspaces) ? workspaces : (workspaces?.packages ?? []);
    return patterns.some((p) => resolve(root, p) === packageDir) ? root : undefined;
  } catch {
    return undefined;
  }
}

if (monorepoRoot()) {
  say('workspace install in the nutshell repository: not building here (`npm run build` builds the addon)');
  process.exit(0);
}
if (process.env.NUTSHELL_SKIP_BUILD === '1') {
  say('NUTSHELL_SKIP_BUILD=1: not building the addon (build later with `npm rebuild @nutshell/native`)');
  process.exit(0);
}

// dist/ ships in the tarball; the checks live there so that `npx nutshell doctor` runs the same ones.
let checks;
try {
  checks = await import('../dist/doctor.js');
} catch (err) {
  console.error(`@nutshell/native: this package has no dist/ (${err.message}); install it from its npm tarball, or build it in the repository.`);
  process.exit(1);
}

const cudaMode = (process.env.NUTSHELL_CUDA || 'AUTO').toUpperCase();
if (!['AUTO', 'ON', 'OFF'].includes(cudaMode)) {
  console.error(`@nutshell/native: NUTSHELL_CUDA=${process.env.NUTSHELL_CUDA} is not one of AUTO, ON, OFF`);
  process.exit(1);
}
let missing = checks.buildChecks().filter((c) => !c.ok);
// With NUTSHELL_CUDA=ON the cuda toolchain is required too; otherwise CMake decides quietly.
if (cudaMode === 'ON') missing = [...missing, ...checks.cudaChecks().slice(0, 3).filter((c) => !c.ok)];
if (missing.length > 0) {
  console.error(checks.missingPrerequisitesMessage(missing));
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cmakeJsDir = dirname(require.resolve('cmake-js/package.json'));
const cmakeJs = join(cmakeJsDir, JSON.parse(readFileSync(join(cmakeJsDir, 'package.json'), 'utf8')).bin['cmake-js']);
const ninja = spawnSync('ninja', ['--version']).status === 0;
const args = [cmakeJs, 'build', '--out', 'build', `--CDNUTSHELL_CUDA=${cudaMode}`];
if (ninja) args.push('--generator', 'Ninja');
const parallel = process.env.CMAKE_BUILD_PARALLEL_LEVEL || String(availableParallelism());
say(`building the addon from source (cuda: ${cudaMode}, ${parallel} parallel jobs); this takes a minute or two`);
const started = Date.now();
const result = spawnSync(process.execPath, args, {
  cwd: packageDir,
  stdio: 'inherit',
  env: { ...process.env, NUTSHELL_CUDA: cudaMode, CMAKE_BUILD_PARALLEL_LEVEL: parallel },
});
const addonFile = join(packageDir, 'build', 'Release', 'nutshell.node');
if (result.status !== 0 || !existsSync(addonFile)) {
  console.error(
    `\n@nutshell/native: the native build failed (cmake-js exit ${result.status ?? result.signal}); the CMake output above says where.\n` +
      'Run `npx nutshell doctor` to check the machine, then `npm rebuild @nutshell/native`.',
  );
  process.exit(1);
}

// Load what was built, in a child process: a library that links but does not load fails here.
const probe = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(addonFile)}).backends(); console.log(JSON.stringify({ cpu: b.cpu.available, cuda: b.cuda.compiled ? (b.cuda.available ? 'available' : b.cuda.reason) : 'not compiled' }))`], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`@nutshell/native: built ${addonFile} but it does not load:\n${probe.stderr.trim()}`);
  process.exit(1);
}
const report = JSON.parse(probe.stdout);
say(`built in ${Math.round((Date.now() - started) / 1000)} s: cpu backend ${report.cpu ? 'ok' : 'unavailable'}; cuda: ${report.cuda}`);
