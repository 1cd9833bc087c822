// Command line of `npm run bench -- [options]`.
import { availableParallelism } from 'node:os';

export const SUITES = ['ops', 'overhead', 'training', 'inference'] as const;
export type Suite = (typeof SUITES)[number];
export const PEERS = ['torch', 'ort', 'tfjs'] as const;
export type Peer = (typeof PEERS)[number];
export const DEVICES = ['cpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

export interface Options {
  suites: Suite[];
  threads: number[];
  quick: boolean;
  peers: Peer[];
  /** Devices to run on; absent: cpu, and cuda too when a GPU is usable (decided at run time). */
  devices?: Device[];
  out: string;
  /** Only these workloads (substring match on the workload id), for a focused look. */
  filter?: string;
  /** Re-render the Markdown and charts of an existing results JSON, measuring nothing. */
  render?: string;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --suite LIST     suites to run, comma-separated (${SUITES.join(', ')}; default: all)
  --threads LIST   thread counts, comma-separated (default: 1 and the core count)
  --quick          fewer repetitions and shorter epochs (for development)
  --peers LIST     peers to compare against (${PEERS.join(', ')}, or none; default: all)
  --device LIST    where the workloads run (${DEVICES.join(', ')}; default: cpu, and cuda when a
                   GPU is usable); on cuda PyTorch runs on the GPU too and each suite runs once,
                   at the largest thread count
  --only TEXT      only workloads whose id contains TEXT
  --out DIR        where results go (default: bench/results)
  --render FILE    rewrite the .md and .png files of a results .json (measures nothing)
  --help`;

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] {
  if (!value) throw new Error(`${flag}: expected a value`);
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of items) if (!allowed.includes(i as T)) throw new Error(`${flag}: unknown '${i}' (expected one of ${allowed.join(', ')})`);
  return [...new Set(items)] as T[];
}

export function defaultThreads(cores = availableParallelism()): number[] {
  return cores > 1 ? [1, cores] : [1];
}

export function parseArgs(argv: readonly string[], defaults: { out: string; cores?: number }): Options {
  const o: Options = { suites: [...SUITES], threads: defaultThreads(defaults.cores), quick: false, peers: [...PEERS], out: defaults.out, help: false };
  const suites: Suite[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--suite':
      case '--suites':
        suites.push(...list('--suite', value(), SUITES));
        break;
      case '--threads': {
        const v = value();
        if (!v) throw new Error('--threads: expected a value');
        o.threads = [...new Set(v.split(',').map((s) => Number(s.trim())))];
        for (const t of o.threads) if (!Number.isSafeInteger(t) || t < 1 || t > 1024) throw new Error(`--threads: expected integers from 1 to 1024, got '${v}'`);
        break;
      }
      case '--quick':
        o.quick = true;
        break;
      case '--peers': {
        const v = value();
        o.peers = v === 'none' ? [] : list('--peers', v, PEERS);
        break;
      }
      case '--device':
      case '--devices':
        o.devices = list('--device', value(), DEVICES);
        break;
      case '--only':
        o.filter = value();
        if (!o.filter) throw new Error('--only: expected a value');
        break;
      case '--out':
        o.out = value();
        if (!o.out) throw new Error('--out: expected a value');
        break;
      case '--render':
        o.render = value();
        if (!o.render) throw new Error('--render: expected a results .json file');
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option '${argv[i]}'\n${USAGE}`);
    }
  }
  if (suites.length) o.suites = [...new Set(suites)];
  return o;
}
