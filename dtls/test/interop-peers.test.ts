import { existsSync } from 'node:fs';
import t from 'tap';
import { isSctpInit, liteDtlsSession } from './lite-dtls-session.js';

/**
 * DTLS against the WebRTC echo peers of ../shared/peers (pion 3.1 / pion/dtls 2.2, aiortc 1.4 /
 * OpenSSL 3 via pyOpenSSL, libdatachannel 0.24 / OpenSSL): the peer offers a data channel
 * (`POST /connect`), we answer as an ICE-lite endpoint and run the DtlsEndpoint in either role.
 * Success = our `connected` (its Finished verified) and the peer's first SCTP packet decrypted
 * (it only sends once it verified ours).
 */
const PEERS = new URL('../../../shared/peers/', import.meta.url);
const lib = existsSync(new URL('lib/peers.mjs', PEERS)) ? ((await import(new URL('lib/peers.mjs', PEERS).href)) as any) : undefined;

for (const name of ['pion', 'aiortc', 'ndc']) {
  const skip = lib === undefined ? 'no ../shared/peers' : !existsSync(new URL(`${name}/start.sh`, PEERS)) ? `no ${name} peer` : false;
  t.test(`${name} ↔ tsrtc DTLS, both roles`, { skip, timeout: 180_000 }, async (t) => {
    let peer: any;
    try {
      peer = await lib.startPeer(name, { timeoutMs: 120_000, echoStdout: false });
    } catch (e) {
      await t.test(`start ${name}`, { skip: `${name} did not start: ${(e as Error).message}` }, () => {});
      return;
    }
    t.teardown(() => peer.stop());
    for (const role of ['server', 'client'] as const) {
      await t.test(`tsrtc as DTLS ${role}`, async (t) => {
        const offer = (await lib.http('POST', `${peer.url}/connect`, { label: 'dtls-test' })) as { sdp: string; id: number };
        const session = await liteDtlsSession(offer.sdp, role, (sdp) => lib.http('POST', `${peer.url}/answer`, { type: 'answer', sdp, id: offer.id }));
        t.teardown(() => session.close());
        t.ok(session.connected, `tsrtc ${role} connected (${JSON.stringify(session.events.filter((e) => e.type === 'failed'))})`);
        if (!session.connected) return;
        t.equal(session.connected.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
        t.comment(`${name}: ${session.connected.cipherSuite}, EMS ${session.connected.extendedMasterSecret}, group ${session.connected.namedGroup}, SRTP ${session.connected.srtpProfile ?? 'none'}`);
        t.ok(isSctpInit(await session.firstData()), 'the peer sent its SCTP INIT over our DTLS');
      });
    }
  });
}
