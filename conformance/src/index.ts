/** @tsrtc/conformance: the scenario × peer interop matrix (run it with `npm run conformance`). */
export type { CandidateInit, ChannelSpec, ChannelView, PeerStats, RemoteCaps, RemotePeer, SessionView, WireMessage } from './peers/types.js';
export { createEchoDriver, SINK_PREFIX, type EchoDriver } from './peers/echo-driver.js';
export { IMPLEMENTATION_NAMES, loadImplementation, implementationAvailable, type ImplementationName, type W3cImplementation } from './peers/implementations.js';
export { DriverRemote, inProcessRemote } from './peers/in-process.js';
export { chromiumRemote, firefoxRemote, CHROMIUM_ARGS, CHROMIUM_MDNS_OFF, FIREFOX_PREFS } from './peers/browser.js';
export { httpEchoRemote, HTTP_PEERS, PEERS_DIR, type HttpPeerName } from './peers/http-echo.js';
export { DEFAULT_PEERS, PEER_NAMES, startRemote, type PeerName } from './peers/registry.js';
export { ScenarioContext, Inbox, Skip, type Connection, type Figures } from './harness.js';
export type { Scenario } from './scenario.js';
export { SCENARIOS } from './scenarios/index.js';
export { runCell, runRepeated, runColumn, runMatrix, describeCell, type Cell, type CellStatus, type ColumnSink, type MatrixRun, type PeerInfo, type RunOptions } from './matrix.js';
export { runMatrixIsolated, type IsolatedOptions } from './isolate.js';
export { KNOWN_FAULTS, knownFault, type KnownFault } from './known-faults.js';
export { markdown, count, type Report } from './report.js';
export { parseArgs, type CliOptions } from './cli.js';
export type { W3cDataChannel, W3cPeerConnection, W3cPeerConnectionCtor } from './w3c.js';
