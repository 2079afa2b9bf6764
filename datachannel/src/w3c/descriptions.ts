/** W3C webrtc-pc §4.8 RTCSessionDescription and §4.8.2 RTCIceCandidate. */

export type RTCSdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';

export interface RTCSessionDescriptionInit {
  type?: RTCSdpType;
  sdp?: string;
}

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit = {}) {
    if (init.type === undefined) throw new TypeError('RTCSessionDescription: type is required');
    if (!['offer', 'answer', 'pranswer', 'rollback'].includes(init.type)) {
      throw new TypeError(`RTCSessionDescription: "${init.type}" is not a valid RTCSdpType`);
    }
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }

  toJSON(): { type: RTCSdpType; sdp: string } {
    return { type: this.type, sdp: this.sdp };
  }
}

export interface RTCIceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export type RTCIceComponent = 'rtp' | 'rtcp';
export type RTCIceProtocol = 'udp' | 'tcp';
export type RTCIceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** Fields of `candidate:…` (RFC 8839 §5.1), read lazily by the accessors. */
function field(candidate: string, index: number): string | null {
  const body = candidate.startsWith('a=') ? candidate.slice(2) : candidate;
  const parts = body.replace(/^candidate:/, '').trim().split(/\s+/);
  return parts[index] ?? null;
}

function extension(candidate: string, name: string): string | null {
  const parts = candidate.trim().split(/\s+/);
  for (let i = 8; i + 1 < parts.length; i += 2) if (parts[i] === name) return parts[i + 1];
  return null;
}

export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;

  constructor(init: RTCIceCandidateInit = {}) {
    if ((init.sdpMid ?? null) === null && (init.sdpMLineIndex ?? null) === null) {
      throw new TypeError('RTCIceCandidate: sdpMid and sdpMLineIndex are both null');
    }
    this.candidate = init.candidate ?? '';
    this.sdpMid = init.sdpMid ?? null;
    this.sdpMLineIndex = init.sdpMLineIndex ?? null;
    this.usernameFragment = init.usernameFragment ?? extension(this.candidate, 'ufrag');
  }

  get foundation(): string | null {
    return field(this.candidate, 0);
  }
  get component(): RTCIceComponent | null {
    const c = field(this.candidate, 1);
    return c === null ? null : c === '2' ? 'rtcp' : 'rtp';
  }
  get protocol(): RTCIceProtocol | null {
    const p = field(this.candidate, 2)?.toLowerCase();
    return p === 'udp' || p === 'tcp' ? p : null;
  }
  get priority(): number | null {
    const p = field(this.candidate, 3);
    return p === null ? null : Number(p);
  }
  get address(): string | null {
    return field(this.candidate, 4);
  }
  get port(): number | null {
    const p = field(this.candidate, 5);
    return p === null ? null : Number(p);
  }
  get type(): RTCIceCandidateType | null {
    return field(this.candidate, 7) as RTCIceCandidateType | null;
  }
  get relatedAddress(): string | null {
    return extension(this.candidate, 'raddr');
  }
  get relatedPort(): number | null {
    const p = extension(this.candidate, 'rport');
    return p === null ? null : Number(p);
  }
  get tcpType(): string | null {
    return extension(this.candidate, 'tcptype');
  }

  toJSON(): RTCIceCandidateInit {
    return { candidate: this.candidate, sdpMid: this.sdpMid, sdpMLineIndex: this.sdpMLineIndex, usernameFragment: this.usernameFragment };
  }
}
