/** Command-line flags of `npm run conformance`. */
import { IMPLEMENTATION_NAMES, type ImplementationName } from './peers/implementations.js';
import { PEER_NAMES, isPeerName, type PeerName } from './peers/registry.js';

export interface CliOptions {
  quick: boolean;
  /** runs per cell; a cell passes only if every run passed */
  repeat: number;
  peers?: PeerName[];
  scenarios?: string[];
  subjects?: ImplementationName[];
  out: string;
  list: boolean;
  help: boolean;
}

export const USAGE = `npm run conformance -- [flags]
  --subject a,b     stacks under test: ${IMPLEMENTATION_NAMES.join(', ')} (default: tsrtc if it exports RTCPeerConnection, else ndc,wrtc,werift)
  --peers a,b       remote columns: ${PEER_NAMES.join(', ')} (default: all but ndc; tsrtc when importable)
  --scenarios a,b   scenario ids (see --list), default all
  --quick           4 MiB instead of 20 MiB, 50 RTT samples instead of 200
  --repeat N        run each cell N times (flaky cells show "failed k of N runs")
  --out DIR         where matrix.md / matrix.json go (default conformance/results)
  --list            print scenario ids and exit`;

export function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { quick: false, repeat: 1, out: 'conformance/results', list: false, help: false };
  const list = (v: string | undefined, flag: string) => {
    if (!v) throw new Error(`${flag} needs a value`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick': opts.quick = true; break;
      case '--list': opts.list = true; break;
      case '--help': case '-h': opts.help = true; break;
      case '--out': opts.out = value() ?? opts.out; break;
      case '--repeat': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error('--repeat needs a positive integer');
        opts.repeat = n;
        break;
      }
      case '--scenarios': opts.scenarios = list(value(), flag); break;
      case '--peers': {
        const names = list(value(), flag);
        const bad = names.filter((n) => !isPeerName(n));
        if (bad.length) throw new Error(`unknown peer(s) ${bad.join(', ')}; known: ${PEER_NAMES.join(', ')}`);
        opts.peers = names as PeerName[];
        break;
      }
      case '--subject': case '--subjects': {
        const names = list(value(), flag);
        const bad = names.filter((n) => !(IMPLEMENTATION_NAMES as readonly string[]).includes(n));
        if (bad.length) throw new Error(`unknown subject(s) ${bad.join(', ')}; known: ${IMPLEMENTATION_NAMES.join(', ')}`);
        opts.subjects = names as ImplementationName[];
        break;
      }
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  return opts;
}
