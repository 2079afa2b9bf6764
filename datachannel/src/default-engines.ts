/**
 * The engines of the stack bound to the ports a peer connection uses: @tsrtc/ice `IceAgent`,
 * @tsrtc/dtls `DtlsEndpoint`, @tsrtc/sctp `SctpAssociation`, @tsrtc/sdp candidate codec.
 */
import { DtlsEndpoint, type DtlsCertificate, type DtlsSettings } from '@tsrtc/dtls';
import { IceAgent } from '@tsrtc/ice';
import { parseCandidate, writeCandidate, type Candidate } from '@tsrtc/sdp';
import { SctpAssociation, type SctpSettings } from '@tsrtc/sctp';
import type { DtlsEndpointPort, EngineFactory, IceAgentPort, IceCandidateFields, SctpAssociationPort } from './engines.js';

/** Per-engine settings beyond what the peer connection decides (MTU, timers, caps …). */
export interface EngineSettings {
  dtls?: Partial<Omit<DtlsSettings, 'role' | 'certificate' | 'remoteFingerprints' | 'random'>>;
  sctp?: Partial<Omit<SctpSettings, 'localPort' | 'remotePort' | 'random' | 'maxMessageSize'>>;
  ice?: Record<string, unknown>;
}

export function defaultEngines(extra: EngineSettings = {}): EngineFactory {
  return {
    createIceAgent(settings, now) {
      return new IceAgent({ ...extra.ice, ...settings }, now);
    },
    createDtlsEndpoint(settings, now) {
      return new DtlsEndpoint({
        ...extra.dtls,
        role: settings.role,
        certificate: settings.certificate as unknown as DtlsCertificate,
        remoteFingerprints: settings.remoteFingerprints,
        random: settings.random,
      }, now);
    },
    createSctpAssociation(settings, now) {
      // explicit engine settings win over what the peer connection derives (MTU, zero checksum)
      return new SctpAssociation({ ...settings, ...extra.sctp }, now);
    },
    writeCandidate: (c: IceCandidateFields) => writeCandidate(c as Candidate),
    parseCandidate: (text: string) => parseCandidate(text) as IceCandidateFields,
  };
}
