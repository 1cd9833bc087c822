#!/usr/bin/env node
// `npx nutshell info`: what was built and what can run here.
// `npx nutshell doctor`: what this machine has for building and running it, and what to do.
import { doctor } from './doctor.js';
import { backends, formatBackends, version } from './info.js';

const USAGE = `usage: nutshell <command>
  info [--json]   what was built (cpu and cuda backends, versions) and what can run here
  doctor          compiler, CMake, oneDNN, nvcc, cuDNN, cuBLAS, driver and GPU: one line each with what to do`;

const [command = 'info', ...rest] = process.argv.slice(2);
switch (command) {
  case 'info': {
    let report;
    try {
      report = backends();
    } catch (err) {
      // No addon to ask (not built, or built for another Node): say so, as doctor does.
      console.error(`nutshell ${version}\ncpu   not loadable: ${(err as Error).message}`);
      process.exit(1);
    }
    console.log(rest.includes('--json') ? JSON.stringify(report, null, 2) : formatBackends(report));
    break;
  }
  case 'doctor': {
    const { text, exitCode } = doctor();
    console.log(text);
    process.exitCode = exitCode;
    break;
  }
  case '--help':
  case '-h':
  case 'help':
    console.log(USAGE);
    break;
  default:
    console.error(`nutshell: unknown command '${command}'\n${USAGE}`);
    process.exit(2);
}
