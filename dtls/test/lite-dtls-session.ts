import { randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { DtlsEndpoint, generateCertificate, isDtlsRecord, type DtlsEvent } from '@tsrtc/dtls';
import { bindingSuccess, hasUseCandidate, isStunBindingRequest, liteAnswer } from './ice-lite-responder.js';

export interface LiteDtlsSession {
  events: DtlsEvent[];
  connected: Extract<DtlsEvent, { type: 'connected' }> | undefined;
  /** Datagrams carrying the start of a ClientHello record (counts retransmissions). */
  clientHelloDatagrams: number;
  /** Waits (up to the session deadline) for the first application-data event. */
  firstData(): Promise<Uint8Array | undefined>;
  close(): void;
}

/**
 * Answer a real peer's data-channel offer as an ICE-lite endpoint on 127.0.0.1 and run a
 * DtlsEndpoint in `role` over the pair the peer nominates. `applyAnswer` hands our SDP to the peer.
 */
export async function liteDtlsSession(offer: string, role: 'client' | 'server', applyAnswer: (sdp: string) => Promise<unknown>, timeoutMs = 20_000): Promise<LiteDtlsSession> {
  const mid = /a=mid:(\S+)/.exec(offer)![1];
  const fp = /a=fingerprint:(\S+) (\S+)/.exec(offer)!;
  // One role uses W3C-style validity (now − 1 day … now + 30 days), the other the clock-free
  // default (2025-01-01 … 9999-12-31 GeneralizedTime): peers must accept both.
  const certificate = role === 'client' ? generateCertificate({ now: Date.now() }) : generateCertificate();
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const port = socket.address().port;
  const icePwd = 'tsrtcdtlsinteroppassword';
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const dtls = new DtlsEndpoint({ role, certificate, remoteFingerprints: [{ algorithm: fp[1], value: fp[2] }], random: (b) => void randomFillSync(b) }, now());
  const events: DtlsEvent[] = [];
  let remote: { address: string; port: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    for (let d = dtls.pollTransmit(); d !== undefined; d = dtls.pollTransmit()) if (remote) socket.send(d, remote.port, remote.address);
    for (let e = dtls.pollEvent(); e !== undefined; e = dtls.pollEvent()) events.push(e);
    clearTimeout(timer);
    const deadline = dtls.nextDeadline();
    if (deadline !== undefined) timer = setTimeout(() => (dtls.handleTimeout(now()), flush()), Math.max(0, deadline - now()));
  };
  const session: LiteDtlsSession = {
    events,
    connected: undefined,
    clientHelloDatagrams: 0,
    async firstData() {
      while (Date.now() < end && !events.some((e) => e.type === 'data')) await new Promise((r) => setTimeout(r, 20));
      return (events.find((e) => e.type === 'data') as { data: Uint8Array } | undefined)?.data;
    },
    close() {
      dtls.close(now());
      flush();
      clearTimeout(timer);
      socket.close();
    },
  };
  socket.on('message', (msg, rinfo) => {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (isStunBindingRequest(bytes)) {
      socket.send(bindingSuccess(bytes, rinfo, icePwd), rinfo.port, rinfo.address);
      if (remote === undefined && (hasUseCandidate(bytes) || role === 'server')) {
        remote = { address: rinfo.address, port: rinfo.port };
        if (role === 'client') dtls.start(now());
        flush();
      }
    } else if (isDtlsRecord(bytes)) {
      remote = { address: rinfo.address, port: rinfo.port }; // DTLS goes back where it came from
      if (bytes[0] === 22 && bytes[13] === 1) session.clientHelloDatagrams++;
      dtls.handleDatagram(bytes, now());
      flush();
    }
  });
  const end = Date.now() + timeoutMs;
  await applyAnswer(liteAnswer({ ufrag: 'tsrt', pwd: icePwd, fingerprint: certificate.fingerprint().value, setup: role === 'server' ? 'passive' : 'active', port, mid }));
  while (Date.now() < end && !events.some((e) => e.type === 'connected' || e.type === 'failed')) await new Promise((r) => setTimeout(r, 20));
  session.connected = events.find((e) => e.type === 'connected') as LiteDtlsSession['connected'];
  return session;
}

/** True when `data` is an SCTP packet (RFC 9260 common header, port 5000) whose first chunk is INIT. */
export function isSctpInit(data: Uint8Array | undefined): boolean {
  return data !== undefined && data.length >= 16 && ((data[0] << 8) | data[1]) === 5000 && data[12] === 1;
}
