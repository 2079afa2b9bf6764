// Counters an agent exposes through stats(): what was dropped and why, and traffic volumes.
export interface IceStats {
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  bytesSent: number;
  dataBytesReceived: number;
  dataBytesSent: number;
  checksSent: number;
  checksReceived: number;
  responsesReceived: number;
  /** Binding requests/responses whose USERNAME or MESSAGE-INTEGRITY did not verify. */
  droppedUnauthenticated: number;
  /** Undecodable STUN, bad FINGERPRINT, unknown comprehension-required attributes, missing PRIORITY. */
  droppedMalformed: number;
  /** Non-STUN datagrams from an address no check validated, or to a socket we do not know. */
  droppedUnknownSource: number;
  /** Responses matching no outstanding transaction. */
  droppedUnknownTransaction: number;
  /** `send()` calls that found no selected pair (or a TURN queue full). */
  sendDropped: number;
  peerReflexiveLearned: number;
  remoteCandidatesIgnored: number;
  remoteCandidatesDropped: number;
  remoteHostnamesUnresolved: number;
  localCandidatesDropped: number;
  /** Binding responses from STUN servers (each gives a mapped address; a srflx candidate when it is new). */
  stunServerResponses: number;
  relayCandidates: number;
  /** Requests (Allocate, Refresh, CreatePermission, ChannelBind) sent by the TURN clients. */
  turnRequestsSent: number;
  turnFailures: number;
  roleConflicts: number;
  selectedPairChanges: number;
}

export function newIceStats(): IceStats {
  return {
    packetsReceived: 0,
    bytesReceived: 0,
    packetsSent: 0,
    bytesSent: 0,
    dataBytesReceived: 0,
    dataBytesSent: 0,
    checksSent: 0,
    checksReceived: 0,
    responsesReceived: 0,
    droppedUnauthenticated: 0,
    droppedMalformed: 0,
    droppedUnknownSource: 0,
    droppedUnknownTransaction: 0,
    sendDropped: 0,
    peerReflexiveLearned: 0,
    remoteCandidatesIgnored: 0,
    remoteCandidatesDropped: 0,
    remoteHostnamesUnresolved: 0,
    localCandidatesDropped: 0,
    stunServerResponses: 0,
    relayCandidates: 0,
    turnRequestsSent: 0,
    turnFailures: 0,
    roleConflicts: 0,
    selectedPairChanges: 0,
  };
}
