// @tsrtc/datachannel: W3C RTCPeerConnection / RTCDataChannel, DCEP (RFC 8832), the data-channel
// manager, the sans-IO peer connection, the Node UDP driver, the server endpoint, signaling.
export * from './w3c/index.js';
export * from './dcep.js';
export * from './errors.js';
export * from './sctp-transport.js';
export * from './data-channel-manager.js';
export * from './engines.js';
export { defaultEngines, type EngineSettings } from './default-engines.js';
export * from './peer-connection-core.js';
export { readRemoteDescription, writeLocalDescription, type RemoteDescriptionInfo, type LocalDescriptionParams, type SetupRole } from './session-description.js';
export { PeerSession, type SessionEvent } from './peer-session.js';
export { UdpDriver, defaultHostAddresses, DEFAULT_SOCKET_BUFFER_SIZE, DEFAULT_MAX_BURST, type UdpDriverOptions, type DrivenConnection, type PacketRouter, type UdpDriverStats } from './driver/udp-driver.js';
export * from './endpoint/index.js';
export * from './signaling/index.js';
