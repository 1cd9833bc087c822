#!/usr/bin/env node
// `npx nutshell info`: what was built and what can run here.
import { backends, formatBackends } from './info.js';

const [command = 'info', ...rest] = process.argv.slice(2);
switch (command) {
  case 'info':
    if (rest.includes('--json')) console.log(JSON.stringify(backends(), null, 2));
    else console.log(formatBackends());
    break;
  default:
    console.error(`nutshell: unknown command '${command}'. Commands: info [--json]`);
    process.exit(2);
}
