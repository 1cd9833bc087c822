// Peers live in bench/peers/node_modules (scripts/setup-peers.sh), outside the workspace's
// dependency tree: they are loaded from there by path, never imported by name.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { peersDir } from '../paths.js';
import { PeerUnavailable } from './torch.js';

const requirePeer = createRequire(join(peersDir, 'package.json'));

export function loadPeer<T = unknown>(name: string): T {
  if (!existsSync(join(peersDir, 'node_modules', name))) throw new PeerUnavailable(`${name} is not installed (run: npm run setup -w @nutshell/bench)`);
  return requirePeer(name) as T;
}

export function resolvePeer(name: string): string {
  return requirePeer.resolve(name);
}

export function peerVersion(name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(peersDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

export function peersStatus(): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(join(peersDir, 'status.json'), 'utf8'));
  } catch {
    return {};
  }
}
