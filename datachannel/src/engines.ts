/**
 * The engines under a peer connection, as the peer connection uses them (CONVENTIONS.md
 * "Public surface each layer promises"). Declared structurally: the peer connection is
 * written against these shapes, `default-engines.ts` binds them to @tsrtc/ice, @tsrtc/dtls and
 * @tsrtc/sctp, and tests may bind them to anything else with the same behaviour.
 */
import type { SctpTransport, SctpTransportEvent } from './sctp-transport.js';

export interface TransportAddress {
  family: 4 | 6;
  address: string;
  port: number;
}

/** An ICE candidate (the @tsrtc/sdp `Candidate` shape, RFC 8839 §5.1). */
export interface IceCandidateFields {
  foundation: string;
  component: number;
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  relatedAddress?: string;
  relatedPort?: number;
  tcpType?: 'active' | 'passive' | 'so';
  generation?: number;
  ufrag?: string;
  networkId?: number;
  networkCost?: number;
  extensions?: { name: string; value: string }[];
}

export type RTCIceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type RTCIceGatheringState = 'new' | 'gathering' | 'complete';

export interface IceTransmit {
  /**
   * the datagram: a buffer the engines never write again once handed out (the driver passes it
   * to the socket without a copy, and the socket may send it after later calls into the engines)
   */
  data: Uint8Array;
  from: TransportAddress;
  to: TransportAddress;
}

export type IceAgentEvent =
  | { type: 'candidate'; candidate: IceCandidateFields }
  | { type: 'gathering-state'; state: RTCIceGatheringState }
  | { type: 'connection-state'; state: RTCIceConnectionState }
  | { type: 'selected-pair'; local: IceCandidateFields; remote: IceCandidateFields }
  /** the ICE role changed after a role conflict (RFC 8445 §7.3.1.1) */
  | { type: 'role'; role: 'controlling' | 'controlled' }
  | { type: 'data'; data: Uint8Array };

export interface IceAgentSettingsPort {
  controlling: boolean;
  lite: boolean;
  localUfrag: string;
  localPwd: string;
  random: (out: Uint8Array) => void;
  stunServers: TransportAddress[];
  turnServers: { address: TransportAddress; username: string; password: string; transport: 'udp' }[];
  iceTransportPolicy: 'all' | 'relay';
}

export interface IceAgentPort {
  addLocalAddress(address: TransportAddress, now: number): void;
  setRemoteCredentials(ufrag: string, pwd: string, now?: number): void;
  /** ICE restart (RFC 8445 §9) with new local credentials */
  restart(now: number, credentials?: { ufrag: string; pwd: string }): void;
  addRemoteCandidate(candidate: IceCandidateFields | null, now: number): void;
  handlePacket(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void;
  send(data: Uint8Array, now: number): void;
  close(now: number): void;
  handleTimeout(now: number): void;
  pollTransmit(): IceTransmit | undefined;
  pollEvent(): IceAgentEvent | undefined;
  nextDeadline(): number | undefined;
  /** candidate pairs with their round-trip time (ms) where measured */
  stats?(): { pairs?: { local: string; remote: string; state: string; nominated: boolean; rtt: number | undefined }[] };
}

export interface FingerprintValue {
  algorithm: string;
  value: string;
}

/** What the DTLS layer needs of a certificate (the @tsrtc/dtls `DtlsCertificate` shape). */
export interface CertificatePort {
  fingerprint(algorithm?: string): FingerprintValue;
  readonly expires: number;
}

export type DtlsEndpointEvent =
  | { type: 'connected'; cipherSuite?: unknown; srtpProfile?: unknown; remoteCertificate?: unknown }
  | { type: 'data'; data: Uint8Array }
  | { type: 'closed' }
  | { type: 'failed'; alert?: unknown; reason: string };

export interface DtlsEndpointSettingsPort {
  role: 'client' | 'server';
  certificate: CertificatePort;
  remoteFingerprints: FingerprintValue[];
  random: (out: Uint8Array) => void;
}

export interface DtlsEndpointPort {
  start(now: number): void;
  handleDatagram(bytes: Uint8Array, now: number): void;
  send(data: Uint8Array, now: number): void;
  close(now: number): void;
  handleTimeout(now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollEvent(): DtlsEndpointEvent | undefined;
  nextDeadline(): number | undefined;
  /** bytes a record adds to application data (37 for AES-GCM) */
  readonly recordOverhead?: number;
  readonly settings?: { readonly mtu: number };
}

export interface SctpAssociationSettingsPort {
  localPort: number;
  remotePort: number;
  random: (out: Uint8Array) => void;
  maxMessageSize: number;
  /** largest SCTP packet: the DTLS MTU less one record's overhead, so a packet is one full record */
  mtu?: number;
  /** largest SCTP packet PLPMTUD probes for (RFC 8899, RFC 8261 §5): from the selected pair's local link */
  maxMtu?: number;
  /** RFC 9653 zero checksum: SCTP always runs over DTLS here, whose MAC protects every packet */
  zeroChecksum?: boolean;
  /** RTO until the association measured a round trip (from ICE's RTT on the pair), ms */
  rtoInitial?: number;
}

export interface SctpAssociationPort extends SctpTransport {
  connect(now: number): void;
  handlePacket(bytes: Uint8Array, now: number): void;
  shutdown(now: number): void;
  abort(reason: string, now: number): void;
  handleTimeout(now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollEvent(): SctpTransportEvent | undefined;
  nextDeadline(): number | undefined;
  remoteMaxMessageSize: number;
}

/** Creates the engines of one peer connection. */
export interface EngineFactory {
  createIceAgent(settings: IceAgentSettingsPort, now: number): IceAgentPort;
  createDtlsEndpoint(settings: DtlsEndpointSettingsPort, now: number): DtlsEndpointPort;
  createSctpAssociation(settings: SctpAssociationSettingsPort, now: number): SctpAssociationPort;
  /** candidate-attribute text (`candidate:…`) ↔ fields */
  writeCandidate(candidate: IceCandidateFields): string;
  parseCandidate(text: string): IceCandidateFields;
}
