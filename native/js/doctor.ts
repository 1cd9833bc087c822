// `npx nutshell doctor`: what this machine has for building and running nutshell, one line per
// prerequisite, and what to do about what is missing. The build checks are also what
// scripts/install.mjs runs before it invokes cmake-js, so a missing prerequisite is one clear
// message instead of a CMake backtrace.
//
// The cpu checks ask CMake itself (a throwaway project that runs the same find_package calls as
// CMakeLists.txt), so "found" here means "found by the build". The cuda checks look where
// cmake/NutshellCuda.cmake looks; nothing here loads CUDA.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonPath } from './addon.js';
import { backends, version } from './info.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found, or what is wrong. */
  detail: string;
  /** What to do when it is not ok. */
  fix?: string;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_CMAKE = [3, 18];
const MIN_NODE = 20;

export const HOW_TO = {
  compiler: 'apt-get install g++ (Fedora: dnf install gcc-c++; macOS: xcode-select --install)',
  cmake: 'apt-get install cmake (or: pip install cmake)',
  buildTool: 'apt-get install ninja-build (or make)',
  onednn: 'apt-get install libdnnl-dev (elsewhere: install oneDNN 2.x and set CMAKE_PREFIX_PATH or dnnl_DIR to it)',
  lapack: 'apt-get install liblapack-dev libopenblas-openmp-dev (elsewhere: install OpenBLAS or any LAPACK and set CMAKE_PREFIX_PATH to it)',
  openmp: 'use GCC, or install libomp-dev for Clang',
  nvcc: 'install the CUDA toolkit and put nvcc on PATH (or set CUDACXX)',
  cudnn: 'pip install nvidia-cudnn-cu13 (or set CUDNN_ROOT to a cuDNN 9 install)',
  cublas: 'pip install nvidia-cublas (or set CUBLAS_ROOT)',
  cudaInfo: 'nvcc + cuDNN 9 + cuBLAS (pip install nvidia-cudnn-cu13 nvidia-cublas; CUDNN_ROOT points the build at a cuDNN elsewhere)',
};

function run(cmd: string, args: string[], timeout = 20_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const versionAtLeast = (v: string, min: number[]): boolean => {
  const parts = v.split('.').map(Number);
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
};

// ---- cpu build: compiler, CMake, a build tool, oneDNN, OpenMP ----------------------------------

function cmakeCheck(): Check & { path?: string } {
  const path = which('cmake');
  if (!path) return { name: 'CMake >= 3.18', ok: false, detail: 'not found on PATH', fix: HOW_TO.cmake };
  const v = /cmake version (\S+)/.exec(run(path, ['--version']).out)?.[1] ?? '?';
  const ok = versionAtLeast(v, MIN_CMAKE);
  return { name: 'CMake >= 3.18', ok, detail: ok ? `${v} (${path})` : `${v} at ${path} is too old`, fix: ok ? undefined : HOW_TO.cmake, path };
}

function buildToolCheck(): Check & { generator?: string } {
  const ninja = which('ninja') ?? which('ninja-build');
  if (ninja) return { name: 'build tool', ok: true, detail: `Ninja ${run(ninja, ['--version']).out.trim()}`, generator: 'Ninja' };
  const make = which('make') ?? which('gmake');
  if (make) return { name: 'build tool', ok: true, detail: `make (${make})`, generator: 'Unix Makefiles' };
  return { name: 'build tool', ok: false, detail: 'neither ninja nor make is on PATH', fix: HOW_TO.buildTool };
}

const PROBE = `cmake_minimum_required(VERSION 3.18)
project(nutshell_probe LANGUAGES CXX)
message(STATUS "NS_CXX=\${CMAKE_CXX_COMPILER_ID} \${CMAKE_CXX_COMPILER_VERSION} (\${CMAKE_CXX_COMPILER})")
if("cxx_std_17" IN_LIST CMAKE_CXX_COMPILE_FEATURES)
  message(STATUS "NS_CXX17=1")
endif()
find_package(dnnl 2.6 CONFIG QUIET)
message(STATUS "NS_DNNL=\${dnnl_FOUND}|\${dnnl_VERSION}|\${dnnl_DIR}|\${dnnl_CONSIDERED_VERSIONS}|\${dnnl_CONSIDERED_CONFIGS}")
find_package(OpenMP QUIET)
message(STATUS "NS_OPENMP=\${OpenMP_CXX_FOUND}|\${OpenMP_CXX_VERSION}")
set(BLA_VENDOR OpenBLAS)
find_package(LAPACK QUIET)
if(NOT LAPACK_FOUND)
  unset(BLA_VENDOR)
  find_package(LAPACK QUIET)
endif()
message(STATUS "NS_LAPACK=\${LAPACK_FOUND}|\${LAPACK_LIBRARIES}")
`;

/** Configures a throwaway CMake project that asks for what CMakeLists.txt asks for. */
function probe(cmake: string, generator: string): { compiler: Check; onednn: Check; openmp?: Check; lapack?: Check } {
  const dir = mkdtempSync(join(tmpdir(), 'nutshell-probe-'));
  try {
    writeFileSync(join(dir, 'CMakeLists.txt'), PROBE);
    const r = run(cmake, ['-S', dir, '-B', join(dir, 'build'), '-G', generator], 120_000);
    const field = (key: string): string | undefined => new RegExp(`-- ${key}=(.*)`).exec(r.out)?.[1]?.trim();
    const cxx = field('NS_CXX');
    if (!cxx) {
      const why = /No CMAKE_CXX_COMPILER could be found/.test(r.out)
        ? 'no C++ compiler found (CXX, c++, g++, clang++)'
        : /not able to compile a simple test program/.test(r.out)
          ? 'the C++ compiler cannot build a test program'
          : `CMake could not configure a test project: ${r.out.trim().split('\n').slice(-3).join(' ')}`;
      return {
        compiler: { name: 'C++17 compiler', ok: false, detail: why, fix: HOW_TO.compiler },
        onednn: oneDnnByFiles(), // OpenMP is a property of the compiler: nothing to say without one
      };
    }
    const cxx17 = field('NS_CXX17') === '1';
    const compiler: Check = cxx17
      ? { name: 'C++17 compiler', ok: true, detail: cxx }
      : { name: 'C++17 compiler', ok: false, detail: `${cxx} does not support C++17`, fix: HOW_TO.compiler };
    const [found, ver, dnnlDir, consideredVersions, consideredConfigs] = (field('NS_DNNL') ?? '').split('|');
    let onednn: Check;
    if (/^(1|ON|TRUE|YES)$/i.test(found ?? '')) onednn = { name: 'oneDNN 2.x (>= 2.6)', ok: true, detail: `${ver} (${dnnlDir})` };
    else if (consideredVersions) {
      onednn = { name: 'oneDNN 2.x (>= 2.6)', ok: false, detail: `found ${consideredVersions.replaceAll(';', ', ')} (${consideredConfigs}); nutshell needs 2.x, >= 2.6`, fix: HOW_TO.onednn };
    } else onednn = { name: 'oneDNN 2.x (>= 2.6)', ok: false, detail: 'not found by find_package(dnnl)', fix: HOW_TO.onednn };
    const [ompFound, ompVersion] = (field('NS_OPENMP') ?? '').split('|');
    const openmp: Check = /^(1|ON|TRUE|YES)$/i.test(ompFound ?? '')
      ? { name: 'OpenMP', ok: true, detail: ompVersion || 'found' }
      : { name: 'OpenMP', ok: false, detail: 'the compiler has no OpenMP', fix: HOW_TO.openmp };
    const [lapackFound, lapackLibraries] = (field('NS_LAPACK') ?? '').split('|');
    const lapack: Check = /^(1|ON|TRUE|YES)$/i.test(lapackFound ?? '')
      ? { name: 'LAPACK', ok: true, detail: (lapackLibraries ?? '').split(';')[0] || 'found' }
      : { name: 'LAPACK', ok: false, detail: 'not found by find_package(LAPACK)', fix: HOW_TO.lapack };
    return { compiler, onednn, openmp, lapack };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Without CMake: is there a C++ compiler at all? */
function compilerByPath(): Check {
  for (const name of [process.env.CXX, 'c++', 'g++', 'clang++']) {
    if (!name) continue;
    const path = name.includes('/') ? (existsSync(name) ? name : undefined) : which(name);
    if (path) return { name: 'C++17 compiler', ok: true, detail: `${run(path, ['--version']).out.split('\n')[0]} (${path}; C++17 not checked without CMake)` };
  }
  return { name: 'C++17 compiler', ok: false, detail: 'no C++ compiler found (CXX, c++, g++, clang++)', fix: HOW_TO.compiler };
}

/** Without CMake: oneDNN's package config file in the usual places. */
function oneDnnByFiles(): Check {
  const prefixes = [
    ...(process.env.CMAKE_PREFIX_PATH ?? '').split(delimiter),
    process.env.dnnl_DIR, process.env.dnnl_ROOT, process.env.DNNLROOT,
    '/usr', '/usr/local', '/opt/intel/oneapi/dnnl/latest', '/opt/homebrew', '/usr/local/opt/onednn',
  ].filter((p): p is string => !!p);
  const subs = ['', 'lib/cmake/dnnl', 'lib64/cmake/dnnl', `lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/cmake/dnnl`];
  for (const prefix of prefixes) {
    for (const sub of subs) {
      const dir = join(prefix, sub);
      if (!['dnnl-config.cmake', 'dnnlConfig.cmake'].some((f) => existsSync(join(dir, f)))) continue;
      const versionFile = ['dnnl-config-version.cmake', 'dnnlConfigVersion.cmake'].map((f) => join(dir, f)).find(existsSync);
      const v = versionFile ? /PACKAGE_VERSION "([\d.]+)"/.exec(readFileSync(versionFile, 'utf8'))?.[1] : undefined;
      const ok = !!v && v.startsWith('2.') && versionAtLeast(v, [2, 6]);
      return { name: 'oneDNN 2.x (>= 2.6)', ok, detail: `${v ?? 'unknown version'} (${dir})`, fix: ok ? undefined : HOW_TO.onednn };
    }
  }
  return { name: 'oneDNN 2.x (>= 2.6)', ok: false, detail: 'no dnnl-config.cmake found', fix: HOW_TO.onednn };
}

/** Everything the cpu build needs; all ok means cmake-js can build the addon. */
export function buildChecks(): Check[] {
  const node = Number(process.versions.node.split('.')[0]);
  const checks: Check[] = [];
  if (node < MIN_NODE) checks.push({ name: 'Node.js >= 20', ok: false, detail: process.version, fix: 'install Node.js 20 or newer' });
  const cmake = cmakeCheck();
  const tool = buildToolCheck();
  if (cmake.ok && tool.ok) {
    const p = probe(cmake.path!, tool.generator!);
    checks.push(p.compiler, cmake, tool, p.onednn);
    if (p.openmp) checks.push(p.openmp);
    if (p.lapack) checks.push(p.lapack);
  } else {
    checks.push(compilerByPath(), cmake, tool, oneDnnByFiles());
  }
  return checks.map(({ name, ok, detail, fix }) => ({ name, ok, detail, fix }));
}

// ---- cuda: nvcc, cuDNN, cuBLAS (build) and driver, GPU (run) ----------------------------------

function nvccPath(): string | undefined {
  const candidates = [process.env.CUDACXX, which('nvcc'),
    ...['CUDA_HOME', 'CUDA_PATH'].map((v) => (process.env[v] ? join(process.env[v]!, 'bin', 'nvcc') : undefined)), '/usr/local/cuda/bin/nvcc'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** The prefixes cmake/NutshellCuda.cmake searches, in its order. */
function nvidiaRoots(): string[] {
  const roots = ['CUDNN_ROOT', 'CUDNN_HOME', 'CUBLAS_ROOT', 'CUDA_HOME', 'CUDA_PATH', 'NUTSHELL_NVIDIA_PY']
    .map((v) => process.env[v]).filter((p): p is string => !!p);
  roots.push(join(packageRoot, '..', '.deps', 'nvidia-py'));
  for (const py of ['python3', 'python']) {
    const r = run(py, ['-c', "import site; print('\\n'.join(site.getsitepackages()+[site.getusersitepackages()]))"], 10_000);
    if (r.ok) { roots.push(...r.out.split('\n').map((s) => s.trim()).filter(Boolean)); break; }
  }
  roots.push('/usr/local/cuda', '/usr', '/usr/local');
  return roots;
}

function findNvidiaLib(roots: string[], header: string, libPrefix: string): { include: string; lib?: string } | undefined {
  const subs = ['', 'nvidia/cudnn', 'nvidia/cu13', 'nvidia/cublas', 'nvidia/cu12'];
  const archLib = `lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
  for (const root of roots) {
    for (const sub of subs) {
      const base = join(root, sub);
      const incs = [join(base, 'include'), ...(root === '/usr' && sub === '' ? [join(base, 'include', archLib.slice(4))] : [])];
      const include = incs.find((d) => existsSync(join(d, header)));
      if (!include) continue;
      for (const libDir of ['lib', 'lib64', archLib].map((l) => join(base, l))) {
        const lib = existsSync(libDir) ? readdirSync(libDir).find((f) => f.startsWith(`${libPrefix}.so`)) : undefined;
        if (lib) return { include, lib: join(libDir, lib) };
      }
      return { include };
    }
  }
  return undefined;
}

function headerVersion(file: string, keys: string[]): string {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return keys.map((k) => new RegExp(`#define ${k}\\s+(\\d+)`).exec(text)?.[1] ?? '?').join('.');
}

export function cudaChecks(): Check[] {
  const checks: Check[] = [];
  const nvcc = nvccPath();
  if (nvcc) {
    const v = /release [\d.]+, V([\d.]+)/.exec(run(nvcc, ['--version']).out)?.[1] ?? '?';
    checks.push({ name: 'nvcc', ok: true, detail: `${v} (${nvcc})` });
  } else checks.push({ name: 'nvcc', ok: false, detail: 'not found (PATH, CUDACXX, CUDA_HOME, /usr/local/cuda)', fix: HOW_TO.nvcc });

  const roots = nvidiaRoots();
  const cudnn = findNvidiaLib(roots, 'cudnn_version.h', 'libcudnn');
  if (!cudnn) checks.push({ name: 'cuDNN 9', ok: false, detail: 'cudnn_version.h not found', fix: HOW_TO.cudnn });
  else {
    const v = headerVersion(join(cudnn.include, 'cudnn_version.h'), ['CUDNN_MAJOR', 'CUDNN_MINOR', 'CUDNN_PATCHLEVEL']);
    const ok = v.startsWith('9.') && !!cudnn.lib;
    checks.push({ name: 'cuDNN 9', ok, detail: ok ? `${v} (${cudnn.lib})` : !cudnn.lib ? `${v}: headers at ${cudnn.include} but no libcudnn.so next to them` : `${v} at ${cudnn.include} is not cuDNN 9`, fix: ok ? undefined : HOW_TO.cudnn });
  }
  const cublas = findNvidiaLib(roots, 'cublas_v2.h', 'libcublas');
  if (!cublas) checks.push({ name: 'cuBLAS', ok: false, detail: 'cublas_v2.h not found', fix: HOW_TO.cublas });
  else {
    const v = headerVersion(join(cublas.include, 'cublas_api.h'), ['CUBLAS_VER_MAJOR', 'CUBLAS_VER_MINOR', 'CUBLAS_VER_PATCH']);
    checks.push({ name: 'cuBLAS', ok: !!cublas.lib, detail: cublas.lib ? `${v} (${cublas.lib})` : `headers at ${cublas.include} but no libcublas.so next to them`, fix: cublas.lib ? undefined : HOW_TO.cublas });
  }

  const smi = which('nvidia-smi');
  const procVersion = '/proc/driver/nvidia/version';
  const smiOut = smi ? run(smi, ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], 15_000) : undefined;
  const driverVersion = smiOut?.ok ? smiOut.out.split('\n')[0]?.split(',')[1]?.trim()
    : existsSync(procVersion) ? /Kernel Module\s+(?:for \S+\s+)?([\d.]+)/.exec(readFileSync(procVersion, 'utf8'))?.[1] : undefined;
  checks.push(driverVersion
    ? { name: 'NVIDIA driver', ok: true, detail: driverVersion }
    : { name: 'NVIDIA driver', ok: false, detail: 'not loaded (no /proc/driver/nvidia/version, nvidia-smi fails or is absent)', fix: 'install the NVIDIA driver for your GPU' });
  const gpus = smiOut?.ok ? smiOut.out.split('\n').map((l) => l.trim()).filter(Boolean) : [];
  checks.push(gpus.length
    ? { name: 'GPU', ok: true, detail: gpus.map((g) => g.split(',').filter((_, i) => i !== 1).map((s) => s.trim()).join(' ')).join('; ') }
    : { name: 'GPU', ok: false, detail: smi ? 'nvidia-smi lists none' : 'none visible (no nvidia-smi)', fix: 'run on a machine with an NVIDIA GPU (cpu works without one)' });
  return checks;
}

// ---- the report ----------------------------------------------------------------------------

/** The one message the install script prints when the cpu build cannot start. */
export function missingPrerequisitesMessage(missing: Check[]): string {
  const width = Math.max(...missing.map((c) => c.name.length));
  return [
    '@nutshell/native: cannot build the native addon; missing:',
    ...missing.map((c) => `  ✗ ${c.name.padEnd(width)}  ${c.detail}\n      → ${c.fix ?? ''}`),
    `  (optional) the cuda backend is built too when it finds ${HOW_TO.cudaInfo}; NUTSHELL_CUDA=OFF skips it.`,
    'Then install again (`npm install`; where @nutshell/native is already installed: `npm rebuild @nutshell/native`).',
  ].join('\n');
}

function line(c: Check, width: number): string {
  return `  ${c.ok ? '✓' : '✗'} ${c.name.padEnd(width)}  ${c.detail}${!c.ok && c.fix ? ` → ${c.fix}` : ''}`;
}

export function doctor(): { text: string; exitCode: number } {
  const build = buildChecks();
  const cuda = cudaChecks();
  const runtime: Check[] = [];
  let cpuWorks = false;
  let cudaWorks = false;
  let cudaCompiled = false;
  let cudaFacts: Record<string, string> | undefined;
  try {
    const b = backends();
    runtime.push({ name: 'addon', ok: true, detail: `loads (${addonPath()})` });
    cpuWorks = b.cpu.available;
    runtime.push({ name: 'cpu backend', ok: b.cpu.available, detail: b.cpu.available ? Object.entries(b.cpu.facts).map(([k, v]) => `${k} ${v}`).join(', ') : b.cpu.reason });
    cudaCompiled = b.cuda.compiled;
    cudaWorks = b.cuda.available;
    cudaFacts = b.cuda.facts;
    runtime.push({
      name: 'cuda backend',
      ok: b.cuda.available,
      detail: b.cuda.available ? `${b.cuda.deviceCount} device${b.cuda.deviceCount === 1 ? '' : 's'}${b.cuda.facts.cudnn ? `, cuDNN ${b.cuda.facts.cudnn}` : ''}` : b.cuda.reason,
      fix: b.cuda.compiled ? undefined : 'with nvcc, cuDNN and cuBLAS present: npm rebuild @nutshell/native (NUTSHELL_CUDA=ON makes a missing piece an error)',
    });
  } catch (err) {
    runtime.push({
      name: 'addon', ok: false,
      detail: `not loadable (${(err instanceof Error ? err.message : String(err)).split(' (')[0]})`,
      fix: build.every((c) => c.ok) ? 'build it: npm rebuild @nutshell/native (in the repository: npm run build)' : 'install what is missing above, then: npm rebuild @nutshell/native',
    });
  }
  // No nvidia-smi (a container, say) but the loaded cuda backend sees devices: its report counts.
  const gpu = cuda.find((c) => c.name === 'GPU');
  if (gpu && !gpu.ok && cudaWorks && cudaFacts) {
    const devices = Object.entries(cudaFacts).filter(([k]) => /^device\d+$/.test(k)).map(([, v]) => v);
    Object.assign(gpu, { ok: true, detail: `${devices.join('; ') || 'present'} (from the cuda backend)`, fix: undefined });
  }
  const width = Math.max(...[...build, ...cuda, ...runtime].map((c) => c.name.length));
  const cudaBuildReady = cuda.slice(0, 3).every((c) => c.ok);
  const cudaRunReady = cuda.slice(3).every((c) => c.ok);
  const verdict = [
    cpuWorks ? 'cpu works.' : 'cpu does not work yet: see the ✗ lines above.',
    cudaWorks ? 'cuda works.'
      : !cudaRunReady ? 'cuda: no usable GPU here (optional; cpu serves).'
        : !cudaCompiled && cudaBuildReady ? 'cuda: everything is here but the addon was built without it: npm rebuild @nutshell/native.'
          : !cudaCompiled ? `cuda: needs ${cuda.slice(0, 3).filter((c) => !c.ok).map((c) => c.name).join(', ')} at build time (optional).`
            : 'cuda: compiled but unavailable (see the cuda backend line).',
  ].join(' ');
  const text = [
    `nutshell doctor: @nutshell/native ${version}, Node ${process.versions.node}, ${process.platform}-${process.arch}`,
    'build (cpu backend, required)',
    ...build.map((c) => line(c, width)),
    'cuda backend (optional)',
    ...cuda.map((c) => line(c, width)),
    'this installation',
    ...runtime.map((c) => line(c, width)),
    verdict,
  ].join('\n');
  return { text, exitCode: cpuWorks ? 0 : 1 };
}
