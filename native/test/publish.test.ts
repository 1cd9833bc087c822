// Publishing (issue 9): every published package's tarball holds what it needs and nothing else, its
// package.json has what a registry page and a user need, and the tarballs alone install into a
// fresh project outside the repository, build the addon from source there (the install script,
// cmake-js offline) and train a model through the public imports.
//
// The end-to-end test builds the addon once (about two minutes on two cores, cpu backend only:
// NUTSHELL_CUDA=OFF). It needs the npm registry for cmake-js, node-addon-api and node-api-headers,
// and uses this machine's npm configuration (~/.npmrc, the npm cache), never the workspace's.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Published packages in dependency order (a package's workspace dependencies come before it). */
const PUBLISHED = ['native', 'packages/plot', 'packages/tensor', 'packages/nn', 'packages/optim', 'packages/data', 'packages/tensorboard'];
const pkgOf = (dir: string) => readJson(join(repo, dir, 'package.json'));
const versionOf = (name: string) => pkgOf(PUBLISHED.find((d) => pkgOf(d).name === name)!).version as string;

/** The environment of a user's shell: nothing from the npm/turbo/vitest process running this test. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|NUTSHELL_|VITEST|TURBO_|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: options.env ?? userEnv(), cwd: options.cwd, timeout: options.timeout });
}
const tail = (r: SpawnSyncReturns<string>, n = 60) => `exit ${r.status ?? r.signal}\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-n).join('\n')}`;

/** turbo's test task waits only for this package's build: make sure every published dist is current. */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const dir of PUBLISHED) {
    const src = join(repo, dir, dir === 'native' ? 'js' : 'src');
    const out = join(repo, dir, 'dist', 'index.js');
    if (existsSync(out) && statSync(out).mtimeMs >= newest(src)) continue;
    execFileSync(process.execPath, [tsc, '-p', join(repo, dir, 'tsconfig.json')], { cwd: repo, stdio: 'pipe' });
  }
}

interface PackResult { name: string; version: string; filename: string; files: { path: string }[] }

function pack(extraArgs: string[]): PackResult[] {
  const r = run('npm', ['pack', '--json', '--loglevel=error', ...extraArgs, ...PUBLISHED.flatMap((d) => ['-w', d])], { cwd: repo });
  if (r.status !== 0) throw new Error(`npm pack failed: ${tail(r)}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
}

describe('package metadata', () => {
  it.each(PUBLISHED)('%s: license, repository, publishConfig, engines, keywords, exports (types first), files', (dir) => {
    const pkg = pkgOf(dir);
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(existsSync(join(repo, dir, 'LICENSE'))).toBe(true);
    expect(existsSync(join(repo, dir, 'README.md'))).toBe(true);
    expect(readFileSync(join(repo, dir, 'README.md'), 'utf8')).toMatch(/```js\n[^]*import [^]*from '@nutshell\//);
    expect(pkg.publishConfig?.access).toBe('public');
    expect(pkg.engines?.node).toBe('>=20');
    expect(pkg.keywords?.length).toBeGreaterThan(2);
    expect(pkg.repository?.directory).toBe(dir);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.type).toBe('module');
    for (const [sub, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      if (typeof target === 'string') continue; // "./package.json"
      expect(Object.keys(target)[0], `exports["${sub}"]`).toBe('types');
    }
    expect(pkg.files).toContain('dist/');
  });

  it('internal dependency ranges: tensor pins native exactly (one op table), the rest use ^', () => {
    const published = new Set(PUBLISHED.map((d) => pkgOf(d).name));
    for (const dir of PUBLISHED) {
      const pkg = pkgOf(dir);
      for (const [dep, range] of Object.entries<string>({ ...pkg.dependencies, ...pkg.peerDependencies })) {
        if (!published.has(dep)) continue;
        const expected = pkg.name === '@nutshell/tensor' && dep === '@nutshell/native' ? versionOf(dep) : `^${versionOf(dep)}`;
        expect(range, `${pkg.name} → ${dep}`).toBe(expected);
      }
    }
    const changesets = readJson(join(repo, '.changeset', 'config.json'));
    expect(changesets.fixed).toContainEqual(['@nutshell/native', '@nutshell/tensor']);
    expect(changesets.updateInternalDependencies).toBe('patch');
  });

  it('examples and bench are private', () => {
    const dirs = [...readdirSync(join(repo, 'examples')).map((d) => join('examples', d)), 'bench'];
    for (const dir of dirs.filter((d) => existsSync(join(repo, d, 'package.json')))) {
      expect(pkgOf(dir).private, dir).toBe(true);
    }
  });

  it('native: the install script builds, and cmake-js with its header packages are regular dependencies', () => {
    const pkg = pkgOf('native');
    expect(pkg.scripts.install).toBe('node scripts/install.mjs');
    for (const dep of ['cmake-js', 'node-addon-api', 'node-api-headers']) expect(pkg.dependencies[dep], dep).toBeTruthy();
    expect(pkg.binary?.napi_versions).toBeTruthy(); // cmake-js then downloads nothing
    expect(pkg.bin.nutshell).toBe('./dist/cli.js');
  });
});

describe('tarball contents (npm pack --dry-run)', () => {
  let packs: PackResult[] = [];
  beforeAll(() => {
    ensureBuilt();
    packs = pack(['--dry-run']);
  }, 300_000);

  const FORBIDDEN = [
    /(^|\/)(test|tests|__tests__|fixtures|bench|node_modules|\.turbo|coverage)\//,
    /\.(test|spec|bench)\.[cm]?[jt]s$/,
    /\.map$/,
    /\.tsbuildinfo$/,
    /\.vitest-report\.json$/,
    /\.node$/,
    /(^|\/)vitest\.config\./,
    /^tsconfig\.json$/,
    /^build(-[^/]*)?\//,
  ];

  it.each(PUBLISHED)('%s: no tests, no build output, and everything its package.json points at', (dir) => {
    const pkg = pkgOf(dir);
    const files = packs.find((p) => p.name === pkg.name)!.files.map((f) => f.path);
    for (const f of files) for (const bad of FORBIDDEN) expect(f, `${pkg.name} ships ${f}`).not.toMatch(bad);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) expect(files).toContain(needed);
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {}),
      ...Object.values<Record<string, string> | string>(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))];
    for (const t of targets) expect(files, `${pkg.name}: ${t}`).toContain(t.replace(/^\.\//, ''));
    // Every compiled module is there (a .js for each .d.ts), and no TypeScript sources.
    for (const f of files.filter((f) => f.endsWith('.d.ts'))) expect(files).toContain(f.replace(/\.d\.ts$/, '.js'));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    if (dir !== 'native') expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
  });

  it('native ships its C++/CUDA sources, CMake files, scripts and dist, and nothing else', () => {
    const files = packs.find((p) => p.name === '@nutshell/native')!.files.map((f) => f.path);
    const sources = (dir: string): string[] =>
      readdirSync(join(repo, 'native', dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : /\.(cc|cpp|h|hpp|cu|cuh|in)$/.test(e.name) ? [join(dir, e.name)] : []);
    const expected = [...sources('src'), 'CMakeLists.txt', 'cmake/NutshellCuda.cmake', 'scripts/install.mjs', 'scripts/build.mjs', 'dist/cli.js', 'dist/doctor.js'];
    for (const f of expected) expect(files, f).toContain(f);
    expect(files.filter((f) => !/^(src|cmake|scripts|dist)\//.test(f) && !['package.json', 'README.md', 'LICENSE', 'CMakeLists.txt'].includes(f))).toEqual([]);
  });
});

describe('install script inside the repository', () => {
  it('a workspace install (npm ci at the root) does not build, and says so in one line', () => {
    const r = run(process.execPath, [join(repo, 'native', 'scripts', 'install.mjs')], { cwd: join(repo, 'native') });
    expect(r.status, tail(r)).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/workspace install .*not building/)]);
  });
});

describe('from the tarballs alone: install in a fresh project, build from source, train', () => {
  let work = '';
  let project = '';
  let installed: SpawnSyncReturns<string> | undefined;
  const seconds: Record<string, number> = {};
  const timed = <T>(label: string, fn: () => T): T => {
    const t0 = Date.now();
    try { return fn(); } finally { seconds[label] = Math.round((Date.now() - t0) / 100) / 10; }
  };

  beforeAll(() => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'nutshell-e2e-'));
    project = join(work, 'project');
    mkdirSync(join(work, 'tarballs'));
    const packs = timed('pack', () => pack(['--pack-destination', join(work, 'tarballs')]));
    const tarball = (name: string) => `file:${join(work, 'tarballs', packs.find((p) => p.name === name)!.filename)}`;
    mkdirSync(project);
    // What a user who runs `npm install @nutshell/nn @nutshell/optim @nutshell/data @nutshell/tensorboard`
    // gets, with the not-yet-published siblings coming from the tarballs instead of the registry.
    const direct = ['@nutshell/tensor', '@nutshell/nn', '@nutshell/optim', '@nutshell/data', '@nutshell/tensorboard'];
    writeFileSync(join(project, 'package.json'), JSON.stringify({
      name: 'nutshell-e2e', private: true, type: 'module',
      dependencies: Object.fromEntries(direct.map((n) => [n, tarball(n)])),
      overrides: Object.fromEntries(['@nutshell/native', '@nutshell/tensor', '@nutshell/plot'].map((n) => [n, tarball(n)])),
      // npm 11 asks projects to approve dependencies' install scripts; this is that approval.
      allowScripts: { [tarball('@nutshell/native')]: true },
    }, null, 2));
    const env = userEnv({
      NUTSHELL_CUDA: 'OFF',
      CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2',
      ...(process.env.PATH?.split(delimiter).some((d) => existsSync(join(d, 'ccache'))) ? { CMAKE_CXX_COMPILER_LAUNCHER: 'ccache', CCACHE_BASEDIR: work } : {}),
    });
    installed = timed('npm install (with the native build)', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: project, env, timeout: 15 * 60_000 }));
  }, 16 * 60_000);

  afterAll(() => {
    console.log(`publish e2e timings (s): ${JSON.stringify(seconds)}`);
    if (work && process.env.NUTSHELL_KEEP_E2E !== '1') rmSync(work, { recursive: true, force: true });
  });

  it('npm install builds the addon from source in the project, outside the workspace', () => {
    expect(installed?.status, installed && tail(installed)).toBe(0);
    expect(installed!.stdout).toMatch(/@nutshell\/native: building the addon from source \(cuda: OFF/);
    expect(installed!.stdout).toMatch(/@nutshell\/native: built in \d+ s: cpu backend ok; cuda: not compiled/);
    const native = join(project, 'node_modules', '@nutshell', 'native');
    expect(existsSync(join(native, 'build', 'Release', 'nutshell.node'))).toBe(true);
    // Real copies from the tarballs, one of each (one tensor, one addon), none leading back to the repo.
    for (const name of ['native', 'tensor', 'nn', 'optim', 'data', 'plot', 'tensorboard']) {
      const dir = join(project, 'node_modules', '@nutshell', name);
      expect(relative(project, realpathSync(dir)).startsWith('node_modules'), name).toBe(true);
      expect(existsSync(join(dir, 'node_modules', '@nutshell')), `${name} has a nested @nutshell copy`).toBe(false);
    }
  });

  it('trains a small model through the public imports only', () => {
    expect(installed?.status).toBe(0);
    writeFileSync(join(project, 'train.mjs'), TRAIN_SCRIPT);
    const r = timed('train', () => run(process.execPath, ['train.mjs'], { cwd: project, env: userEnv({ NUTSHELL_NUM_THREADS: '1' }), timeout: 120_000 }));
    expect(r.status, tail(r)).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result.addon.startsWith(realpathSync(project)), result.addon).toBe(true);
    expect(result.cpu).toBe(true);
    expect(result.last).toBeLessThan(result.first * 0.05);
    expect(result.liveTensors).toBeLessThan(20);
    expect(existsSync(join(project, 'runs', 'loss.png'))).toBe(true);
    expect(readdirSync(join(project, 'runs', 'linear')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
  }, 180_000);

  it('`npx nutshell doctor` in the project: cpu works (exit 0), one ✓/✗ line per check', () => {
    expect(installed?.status).toBe(0);
    const r = timed('doctor', () => run('npx', ['--no-install', 'nutshell', 'doctor'], { cwd: project, timeout: 120_000 }));
    expect(r.status, tail(r)).toBe(0);
    for (const check of ['C++17 compiler', 'CMake', 'oneDNN', 'LAPACK', 'nvcc', 'cuDNN', 'cuBLAS', 'NVIDIA driver', 'GPU', 'cpu backend']) {
      expect(r.stdout).toMatch(new RegExp(`^  [✓✗] ${check.replace(/[+]/g, '\\+')}`, 'm'));
    }
    expect(r.stdout).toMatch(/^  ✓ cpu backend/m);
    expect(r.stdout).toMatch(/cpu works\./);
  }, 180_000);

  it('missing prerequisites stop the install script with one message, before cmake-js', () => {
    expect(installed?.status).toBe(0);
    // A PATH with node and nothing else: no compiler, no CMake, no make/ninja.
    const bin = join(work, 'bare-bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const native = join(project, 'node_modules', '@nutshell', 'native');
    const r = run(process.execPath, [join(native, 'scripts', 'install.mjs')], { cwd: native, env: userEnv({ PATH: bin }) });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^@nutshell\/native: cannot build the native addon; missing:\n/);
    expect(r.stderr).toMatch(/✗ C\+\+17 compiler .*\n.*apt-get install g\+\+/);
    expect(r.stderr).toMatch(/✗ CMake >= 3\.18 .*\n.*apt-get install cmake/);
    expect(r.stderr).toMatch(/\(optional\) the cuda backend .*nvidia-cudnn-cu13 nvidia-cublas/);
    expect(r.stderr).not.toMatch(/CMake Error|cmake-js|at .*\.js:\d+/);
    expect(existsSync(join(native, 'build', 'Release', 'nutshell.node'))).toBe(true); // untouched
  });
});

// Runs in the fresh project: imports only what a user would import.
const TRAIN_SCRIPT = `
import { Linear, MSELoss } from '@nutshell/nn';
import { SGD } from '@nutshell/optim';
import { DataLoader, TensorDataset } from '@nutshell/data';
import { SummaryWriter } from '@nutshell/tensorboard';
import { lineChart, writePng } from '@nutshell/plot';
import { backends, memory, scope, setNumThreads, tensor } from '@nutshell/tensor';
import { addonPath } from '@nutshell/native';

setNumThreads(1);
// y = 2 x0 - 3 x1 + 0.5 x2 + 1, 256 samples on a fixed grid.
const n = 256;
const xs = new Float32Array(n * 3), ys = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const x = [Math.sin(i), Math.cos(3 * i), ((i % 17) - 8) / 8];
  xs.set(x, 3 * i);
  ys[i] = 2 * x[0] - 3 * x[1] + 0.5 * x[2] + 1;
}
const data = new TensorDataset({ data: xs, shape: [n, 3] }, { data: ys, shape: [n, 1] });
const loader = new DataLoader(data, { batchSize: 32, shuffle: true, seed: 1 });
const model = new Linear(3, 1);
const opt = new SGD(model.parameters(), { lr: 0.1 });
const lossFn = new MSELoss();
const writer = new SummaryWriter('runs/linear');
const losses = [];
for (let epoch = 0; epoch < 8; epoch++) {
  for await (const [x, y] of loader) {
    const loss = scope(() => {
      opt.zeroGrad();
      const l = lossFn.forward(model.forward(x), y);
      l.backward();
      opt.step();
      return l;
    });
    losses.push(await loss.item());
    writer.addScalar('loss', losses.at(-1), losses.length);
    loss.dispose(); x.dispose(); y.dispose();
  }
}
writer.close();
await writePng('runs/loss.png', lineChart({ title: 'loss', series: [{ name: 'train', y: losses }] }));
console.log(JSON.stringify({
  first: losses[0], last: losses.at(-1), steps: losses.length,
  cpu: backends().cpu.available, addon: addonPath(), liveTensors: memory('cpu').liveTensors,
}));
`;
