export * from './dcep.js';
export * from './errors.js';
export * from './sctp-transport.js';
export * from './data-channel-manager.js';
export * from './signaling/index.js';
