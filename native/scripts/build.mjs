#!/usr/bin/env node
// Builds the addon with cmake-js (offline: headers come from node-api-headers/node-addon-api),
// Ninja when present. NUTSHELL_CUDA=AUTO|ON|OFF and CUDNN_ROOT reach CMake through the environment.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ninja = spawnSync('ninja', ['--version']).status === 0;
const args = ['cmake-js', 'build', '--out', 'build'];
if (ninja) args.push('--generator', 'Ninja');
if (process.env.NUTSHELL_CUDA) args.push(`--CDNUTSHELL_CUDA=${process.env.NUTSHELL_CUDA}`);
const parallel = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2';
const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: parallel } });
if (result.status !== 0) {
  console.error('\n@nutshell/native: the native build failed. Prerequisites: a C++17 compiler, CMake >= 3.18,');
  console.error('oneDNN and LAPACK (Debian/Ubuntu: apt-get install libdnnl-dev liblapack-dev libopenblas-openmp-dev).');
  console.error('CUDA is optional (nvcc + cuDNN 9 + cuBLAS).');
  process.exit(result.status ?? 1);
}
if (!existsSync('build/Release/nutshell.node')) {
  console.error('@nutshell/native: build finished but build/Release/nutshell.node is missing');
  process.exit(1);
}
