/**
 * A readable form of a decoded message for logs and test failures: names from the registries,
 * typed values where this package knows the attribute, hex otherwise. Never throws: a value
 * that does not decode is shown as `{ error, hex }`.
 */
import { StunAttr, StunClass, StunMethod } from './constants.js';
import { StunError } from './errors.js';
import type { StunMessage } from './message.js';

const ATTR_NAMES = new Map<number, string>(Object.entries(StunAttr).map(([k, v]) => [v, k.replace(/_/g, '-')]));
const METHOD_NAMES = new Map<number, string>(Object.entries(StunMethod).map(([k, v]) => [v, k.replace(/_/g, '-').toLowerCase()]));
const CLASS_NAMES = new Map<number, string>(Object.entries(StunClass).map(([k, v]) => [v, k.replace(/_/g, ' ').toLowerCase()]));

export interface StunDescription {
  method: string;
  class: string;
  transactionId: string;
  length: number;
  attributes: { type: string; value: unknown }[];
  unknownComprehensionRequired: number[];
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const typeName = (t: number) => ATTR_NAMES.get(t) ?? `0x${t.toString(16).padStart(4, '0')}`;

/** The typed value of the first attribute of a type, through the message's own getters. */
function typedValue(msg: StunMessage, type: number): unknown {
  switch (type) {
    case StunAttr.USERNAME: return msg.username();
    case StunAttr.REALM: return msg.realm();
    case StunAttr.NONCE: return msg.nonce();
    case StunAttr.SOFTWARE: return msg.software();
    case StunAttr.PRIORITY: return msg.priority();
    case StunAttr.USE_CANDIDATE: return true;
    case StunAttr.DONT_FRAGMENT: return true;
    case StunAttr.ICE_CONTROLLING: return msg.iceControlling()!.toString(16).padStart(16, '0');
    case StunAttr.ICE_CONTROLLED: return msg.iceControlled()!.toString(16).padStart(16, '0');
    case StunAttr.XOR_MAPPED_ADDRESS: return msg.xorMappedAddress();
    case StunAttr.MAPPED_ADDRESS: return msg.mappedAddress();
    case StunAttr.ALTERNATE_SERVER: return msg.alternateServer();
    case StunAttr.XOR_PEER_ADDRESS: return msg.xorPeerAddress();
    case StunAttr.XOR_RELAYED_ADDRESS: return msg.xorRelayedAddress();
    case StunAttr.ERROR_CODE: return msg.errorCode();
    case StunAttr.UNKNOWN_ATTRIBUTES: return msg.unknownAttributes()!.map(typeName);
    case StunAttr.LIFETIME: return msg.lifetime();
    case StunAttr.CHANNEL_NUMBER: return `0x${msg.channelNumber()!.toString(16)}`;
    case StunAttr.REQUESTED_TRANSPORT: return msg.requestedTransport();
    case StunAttr.FINGERPRINT: return `0x${msg.fingerprint()!.toString(16).padStart(8, '0')}`;
    default: return undefined;
  }
}

export function describeStun(msg: StunMessage): StunDescription {
  const seen = new Set<number>();
  const attributes: { type: string; value: unknown }[] = [];
  for (let i = 0; i < msg.attributeCount; i++) {
    const type = msg.attributeType(i);
    const raw = msg.attributeValue(i);
    let value: unknown;
    try {
      // the typed getters read the first attribute of a type; repeats are shown as hex
      value = seen.has(type) ? undefined : typedValue(msg, type);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      value = { error: e.code, hex: hex(raw) };
    }
    seen.add(type);
    attributes.push({ type: typeName(type), value: value === undefined ? hex(raw) : value });
  }
  return {
    method: METHOD_NAMES.get(msg.method) ?? `0x${msg.method.toString(16).padStart(3, '0')}`,
    class: CLASS_NAMES.get(msg.messageClass)!,
    transactionId: hex(msg.transactionId),
    length: msg.raw.length,
    attributes,
    unknownComprehensionRequired: [...msg.unknownComprehensionRequired],
  };
}
