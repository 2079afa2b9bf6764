export {
  RtcEndpoint, RtcPeer, DEFAULT_RTC_ENDPOINT_OPTIONS,
  type RtcEndpointOptions, type RtcEndpointEvents, type RtcPeerEvents, type RtcEndpointStats, type RtcMessageData,
} from './rtc-endpoint.js';
