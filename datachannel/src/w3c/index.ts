export { RTCPeerConnection, type RTCConfiguration, type RTCDataChannelInit, type RTCIceServer, type TsrtcPeerConnectionOptions } from './rtc-peer-connection.js';
export { RTCDataChannel, type BinaryType, type RTCPriorityType } from './rtc-data-channel.js';
export { RTCSessionDescription, RTCIceCandidate, type RTCSessionDescriptionInit, type RTCIceCandidateInit, type RTCSdpType } from './descriptions.js';
export { RTCCertificate, type RTCDtlsFingerprint } from './rtc-certificate.js';
export { RTCPeerConnectionIceEvent, RTCDataChannelEvent, RTCError, RTCErrorEvent, type RTCErrorDetailType } from './events.js';
