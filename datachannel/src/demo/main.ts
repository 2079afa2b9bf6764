/**
 * `npm start`: the tsrtc demo. An echo endpoint plus a web page where a person connects from
 * a browser, sends text and files, and watches round-trip times live.
 *
 *   npm start                                  http://localhost:8080/
 *   npm start -- --port 9000                   (or PORT=9000 npm start)
 *   npm start -- --host 127.0.0.1              (default: all interfaces)
 *   npm start -- --udp-port 40000              the endpoint's one UDP port (default: any free one)
 *   npm start -- --engine=node-datachannel     libdatachannel instead of tsrtc, for comparison
 */
import { parseArgs } from 'node:util';
import { ENGINE_NAMES, type EngineName, createEchoEngine } from './echo-engine.js';
import { startDemoServer } from './demo-server.js';

const USAGE = 'usage: npm start -- [--port N] [--host H] [--udp-port N] [--engine tsrtc|node-datachannel]';

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'udp-port': { type: 'string', default: '0' },
      engine: { type: 'string', default: 'tsrtc' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port ${values.port ?? process.env.PORT}\n${USAGE}`);
  const udpPort = Number(values['udp-port']);
  if (!Number.isInteger(udpPort) || udpPort < 0 || udpPort > 65535) throw new Error(`bad UDP port ${values['udp-port']}\n${USAGE}`);
  if (!(ENGINE_NAMES as readonly string[]).includes(values.engine!)) throw new Error(`unknown engine ${values.engine}\n${USAGE}`);
  return { port, host: values.host, udpPort, engine: values.engine as EngineName };
}

try {
  const { port, host, udpPort, engine: engineName } = options();
  const engine = await createEchoEngine(engineName, { udpPort });
  const demo = await startDemoServer(engine, port, host);
  console.log(`tsrtc demo: ${demo.url}`);
  if (engineName !== 'tsrtc') console.log(`(engine: ${engine.name})`);
  const stop = () => {
    demo.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const e = err as Error & { code?: string };
  console.error(`tsrtc demo: ${e.message}${e.code?.startsWith('ERR_PARSE_ARGS') ? `\n${USAGE}` : ''}`);
  process.exit(1);
}
