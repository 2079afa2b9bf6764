// Offer/answer between two W3C peer connections (candidates are wired by the caller), then
// wait until `dc` is open on a and its counterpart has arrived on b.
import type { RTCDataChannel, RTCPeerConnection } from '../../src/index.js';
import { waitFor } from './wait.js';

export async function openChannel(a: RTCPeerConnection, b: RTCPeerConnection, dc: RTCDataChannel): Promise<RTCDataChannel> {
  const incoming = waitFor<{ channel: RTCDataChannel }>(b, 'datachannel');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
  const remote = (await incoming).channel;
  if (dc.readyState !== 'open') await waitFor(dc, 'open');
  return remote;
}
