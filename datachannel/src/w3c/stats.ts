/** W3C webrtc-stats objects for a data-channel peer connection (an RTCStatsReport is a Map). */
import type { IceCandidateFields } from '../engines.js';
import type { PeerConnectionCore } from '../peer-connection-core.js';
import type { RTCCertificate } from './rtc-certificate.js';
import type { RTCDataChannel } from './rtc-data-channel.js';

export interface StatsInput {
  timestamp: number;
  core: PeerConnectionCore;
  channels: RTCDataChannel[];
  certificate: RTCCertificate;
  dataChannelsOpened: number;
  dataChannelsClosed: number;
}

function candidateStats(id: string, type: 'local-candidate' | 'remote-candidate', c: IceCandidateFields, timestamp: number) {
  return {
    id, type, timestamp, transportId: 'T01',
    address: c.address, port: c.port, protocol: c.transport.toLowerCase(),
    candidateType: c.type, priority: c.priority, foundation: c.foundation,
    relatedAddress: c.relatedAddress, relatedPort: c.relatedPort,
  };
}

const candidateId = (prefix: string, c: IceCandidateFields) => `${prefix}${c.address}:${c.port}:${c.type}`;

export function buildStatsReport(input: StatsInput): Map<string, Record<string, unknown>> {
  const { timestamp, core } = input;
  const s = core.stats();
  const report = new Map<string, Record<string, unknown>>();
  report.set('P', {
    id: 'P', type: 'peer-connection', timestamp,
    dataChannelsOpened: input.dataChannelsOpened, dataChannelsClosed: input.dataChannelsClosed,
  });
  const fp = input.certificate.getFingerprints()[0];
  const certId = `CF${fp.value}`;
  report.set(certId, {
    id: certId, type: 'certificate', timestamp,
    fingerprint: fp.value, fingerprintAlgorithm: fp.algorithm,
    base64Certificate: Buffer.from(input.certificate._dtls.der).toString('base64'),
  });
  let pairId: string | undefined;
  if (s.selectedLocal !== undefined && s.selectedRemote !== undefined) {
    const l = candidateId('I', s.selectedLocal);
    const r = candidateId('I', s.selectedRemote);
    pairId = `CP${l}_${r}`;
    report.set(pairId, {
      id: pairId, type: 'candidate-pair', timestamp, transportId: 'T01',
      localCandidateId: l, remoteCandidateId: r, state: 'succeeded', nominated: true, selected: true,
      currentRoundTripTime: s.roundTripTime === undefined ? undefined : s.roundTripTime / 1000,
      packetsSent: s.packetsSent, packetsReceived: s.packetsReceived,
      bytesSent: s.bytesSent, bytesReceived: s.bytesReceived,
    });
  }
  for (const c of s.localCandidates) report.set(candidateId('I', c), candidateStats(candidateId('I', c), 'local-candidate', c, timestamp));
  for (const c of s.remoteCandidates) report.set(candidateId('I', c), candidateStats(candidateId('I', c), 'remote-candidate', c, timestamp));
  if (s.selectedLocal && !report.has(candidateId('I', s.selectedLocal))) {
    report.set(candidateId('I', s.selectedLocal), candidateStats(candidateId('I', s.selectedLocal), 'local-candidate', s.selectedLocal, timestamp));
  }
  if (s.selectedRemote && !report.has(candidateId('I', s.selectedRemote))) {
    report.set(candidateId('I', s.selectedRemote), candidateStats(candidateId('I', s.selectedRemote), 'remote-candidate', s.selectedRemote, timestamp));
  }
  report.set('T01', {
    id: 'T01', type: 'transport', timestamp,
    packetsSent: s.packetsSent, packetsReceived: s.packetsReceived,
    bytesSent: s.bytesSent, bytesReceived: s.bytesReceived,
    dtlsState: s.dtlsState, dtlsRole: s.dtlsRole ?? 'unknown',
    dtlsCipher: typeof s.dtlsCipherSuite === 'string' ? s.dtlsCipherSuite : undefined,
    iceState: core.iceConnectionState, iceRole: undefined,
    iceLocalUsernameFragment: core.localUfrag,
    selectedCandidatePairId: pairId, localCertificateId: certId,
  });
  for (const ch of input.channels) {
    const m = ch._channel;
    const id = `D${ch.id ?? 'pending-' + ch.label}`;
    report.set(id, {
      id, type: 'data-channel', timestamp,
      label: ch.label, protocol: ch.protocol, dataChannelIdentifier: ch.id ?? undefined, state: ch.readyState,
      messagesSent: m.messagesSent, bytesSent: m.bytesSent, messagesReceived: m.messagesReceived, bytesReceived: m.bytesReceived,
    });
  }
  return report;
}
