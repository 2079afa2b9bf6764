// The harness against a real stack: node-datachannel (libdatachannel) on loopback, in process,
// as both subject and remote. Checks that cells pass, skip and fail for the right reasons.
import t from 'tap';
import { loadImplementation } from '../src/peers/implementations.js';
import { inProcessRemote } from '../src/peers/in-process.js';
import { createEchoDriver } from '../src/peers/echo-driver.js';
import { driverBundle } from '../src/peers/browser.js';
import { knownFault } from '../src/known-faults.js';
import { runCell } from '../src/matrix.js';
import { SCENARIOS } from '../src/scenarios/index.js';
import { makeOffer, waitOpen, until } from '../src/w3c.js';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

/**
 * One cell; run again once when libdatachannel (the anchor under test here, not tsrtc) hits one of
 * its own races: "Got a remote candidate without ICE transport" (seen in 2 of about 8 full runs),
 * or a diagnosed libdatachannel fault of the matrix (known-faults.ts, e.g. a channel reset right
 * after its OPEN left "connecting", 1 run in 6).
 */
async function cellOf(impl: Awaited<ReturnType<typeof loadImplementation>>, remote: ReturnType<typeof inProcessRemote>, id: string) {
  const cell = await runCell(impl, remote, scenario(id), true);
  const reason = cell.reason ?? '';
  if (cell.status === 'pass' || !(/without ICE transport/.test(reason) || knownFault('libdatachannel', id, reason))) return cell;
  return runCell(impl, remote, scenario(id), true);
}

t.test('ndc subject × ndc remote: cells', async (t) => {
  const ndc = await loadImplementation('ndc');
  const remote = inProcessRemote(ndc);
  t.teardown(() => remote.dispose());
  for (const id of ['offer-subject', 'pre-negotiated', 'binary-sizes', 'ordered-1000', 'close-channel-subject']) {
    const cell = await cellOf(ndc, remote, id);
    t.equal(cell.status, 'pass', `${id}: ${cell.reason ?? ''}`);
  }
  const sizes = await cellOf(ndc, remote, 'message-1mib');
  t.equal(sizes.status, 'skip', 'libdatachannel advertises 256 KiB: no 1 MiB');
  t.match(sizes.reason, /max-message-size 262144/);
  // the polyfill drops incoming channels' parameters: the remote (ndc) is at fault ...
  const params = await cellOf(ndc, remote, 'pr-params-subject-created');
  t.equal(params.status, 'fail', 'same name as the subject: its own fault counts as a failure');
  t.match(params.reason, /remote sees ordered=true on "unordered"/);
});

t.test('echo driver: echoes, except on sink channels, and reports both in stats', async (t) => {
  const ndc = await loadImplementation('ndc');
  const driver = createEchoDriver(ndc.RTCPeerConnection, ndc.config, 'ndc');
  const pc = new ndc.RTCPeerConnection(ndc.config);
  t.teardown(() => { pc.close(); driver.closeAll(); });
  const echo = pc.createDataChannel('echo');
  const sink = pc.createDataChannel('sink-x');
  const { session, sdp } = await driver.answer(await makeOffer(pc));
  await pc.setRemoteDescription({ type: 'answer', sdp });
  await waitOpen(echo); await waitOpen(sink);
  const got: unknown[] = [];
  echo.addEventListener('message', (e: { data: unknown }) => got.push(e.data));
  sink.addEventListener('message', (e: { data: unknown }) => got.push(e.data));
  sink.send('not echoed');
  echo.send('echoed');
  await until(echo, ['message'], () => got.length > 0, 5000, 'echo');
  const s = driver.stats().sessions.find((x) => x.id === session)!;
  const bySink = s.channels.find((c) => c.label === 'sink-x')!;
  const byEcho = s.channels.find((c) => c.label === 'echo')!;
  t.same(got, ['echoed']);
  t.equal(bySink.messagesIn, 1); t.equal(bySink.messagesOut, 0); t.equal(bySink.bytesIn, 10);
  t.equal(byEcho.messagesOut, 1);
});

t.test('browser bundle of the echo driver has no Node dependency', async (t) => {
  const js = await driverBundle();
  t.match(js, /__echo/);
  t.notMatch(js, /require\(|node:/);
});

// libdatachannel's threads keep the process alive for seconds otherwise
t.teardown(async () => { (await import('node-datachannel')).cleanup(); });
