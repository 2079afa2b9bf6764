/**
 * STUN micro-benchmarks: @tsrtc/stun against werift 0.24.4's STUN code (`parseMessage` /
 * `Message` from werift's ICE package, re-exported by `werift`), on identical bytes:
 * bench/fixtures/stun/chromium-156.binding.json — a real Chromium 156 connectivity check
 * (USERNAME, GOOG-NETWORK-INFO, ICE-CONTROLLING, USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY,
 * FINGERPRINT; 100 bytes) and the ICE password that signs it.
 *
 * Rows:
 * - decode + read: decode the request and read what an ICE agent needs (USERNAME, PRIORITY,
 *   ICE-CONTROLLING, USE-CANDIDATE). werift's `parseMessage` always checks FINGERPRINT while
 *   parsing (it cannot be turned off), so its row includes a CRC-32; tsrtc's does not.
 * - decode + verify: decode, MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT checked
 *   (werift: `parseMessage(bytes, key)`, which rejects on either failure).
 * - verify only: tsrtc's MESSAGE-INTEGRITY + FINGERPRINT check on an already decoded message.
 * - encode: a Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
 *   MESSAGE-INTEGRITY, FINGERPRINT; both produce the same 96 bytes (checked at load).
 * - encode response: the success response to it (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY,
 *   FINGERPRINT), same bytes from both (checked at load).
 */
import { readFileSync } from 'node:fs';
import { Message as WeriftMessage, parseMessage as weriftParse, classes as weriftClasses, methods as weriftMethods } from 'werift';
import {
  StunClass,
  StunMethod,
  StunWriter,
  decodeStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '@tsrtc/stun';
import type { MicroSuite } from './types.js';

interface Fixture {
  request: { hex: string; integrityPwd: string; username: string; priority: number; iceControlling: string; transactionId: string };
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/stun/chromium-156.binding.json', import.meta.url), 'utf8')) as Fixture;

const requestBytes = Buffer.from(fx.request.hex, 'hex'); // a Buffer: werift needs one; tsrtc takes any Uint8Array
const keyBytes = shortTermKey(fx.request.integrityPwd);
const keyBuffer = Buffer.from(fx.request.integrityPwd, 'utf8');
const tid = Buffer.from(fx.request.transactionId, 'hex');
const tieBreaker = BigInt('0x' + fx.request.iceControlling);
const { username, priority } = fx.request;

// sanity: both sides agree on the fixture before anything is timed
{
  const m = decodeStun(requestBytes);
  if (m.username() !== username || !verifyMessageIntegrity(m, keyBytes) || !verifyFingerprint(m)) throw new Error('tsrtc rejects the fixture');
  const w = weriftParse(requestBytes, keyBuffer);
  if (!w || w.getAttributeValue('USERNAME') !== username) throw new Error('werift rejects the fixture');
}

const writer = new StunWriter(256);
function tsrtcEncode(): Uint8Array {
  return writer
    .begin(StunMethod.BINDING, StunClass.REQUEST, tid)
    .username(username)
    .priority(priority)
    .iceControlling(tieBreaker)
    .useCandidate()
    .finish({ integrityKey: keyBytes, fingerprint: true });
}
function weriftEncode(): Buffer {
  return new WeriftMessage(weriftMethods.BINDING, weriftClasses.REQUEST, tid)
    .setAttribute('USERNAME', username)
    .setAttribute('PRIORITY', priority)
    .setAttribute('ICE-CONTROLLING', tieBreaker)
    .setAttribute('USE-CANDIDATE', null)
    .addMessageIntegrity(keyBuffer)
    .addFingerprint().bytes;
}
if (!Buffer.from(tsrtcEncode()).equals(weriftEncode())) throw new Error('tsrtc and werift encode different bytes');

// the answer to that check (what an ICE-lite server sends for every request)
const mapped = { family: 4 as const, address: '198.51.100.10', port: 48179 };
function tsrtcResponse(): Uint8Array {
  return writer.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, tid).xorMappedAddress(mapped).finish({ integrityKey: keyBytes, fingerprint: true });
}
function weriftResponse(): Buffer {
  return new WeriftMessage(weriftMethods.BINDING, weriftClasses.RESPONSE, tid)
    .setAttribute('XOR-MAPPED-ADDRESS', [mapped.address, mapped.port])
    .addMessageIntegrity(keyBuffer)
    .addFingerprint().bytes;
}
if (!Buffer.from(tsrtcResponse()).equals(weriftResponse())) throw new Error('tsrtc and werift encode different responses');

const decoded = decodeStun(requestBytes);

export const suite: MicroSuite = {
  name: 'stun',
  cases: [
    {
      group: 'decode ICE Binding request + read USERNAME/PRIORITY/ICE-CONTROLLING/USE-CANDIDATE',
      impl: 'tsrtc',
      targetNs: 200,
      fn: () => {
        const m = decodeStun(requestBytes);
        return m.username()!.length + m.priority()! + Number(m.iceControlling()! & 1n) + (m.useCandidate() ? 1 : 0);
      },
    },
    {
      group: 'decode ICE Binding request + read USERNAME/PRIORITY/ICE-CONTROLLING/USE-CANDIDATE',
      impl: 'werift',
      fn: () => {
        const m = weriftParse(requestBytes)!;
        return (
          (m.getAttributeValue('USERNAME') as string).length +
          (m.getAttributeValue('PRIORITY') as number) +
          Number((m.getAttributeValue('ICE-CONTROLLING') as bigint) & 1n) +
          (m.attributesKeys.includes('USE-CANDIDATE') ? 1 : 0)
        );
      },
    },
    {
      group: 'decode + verify MESSAGE-INTEGRITY and FINGERPRINT',
      impl: 'tsrtc',
      fn: () => {
        const m = decodeStun(requestBytes);
        return verifyMessageIntegrity(m, keyBytes) && verifyFingerprint(m);
      },
    },
    {
      group: 'decode + verify MESSAGE-INTEGRITY and FINGERPRINT',
      impl: 'werift',
      fn: () => weriftParse(requestBytes, keyBuffer) !== undefined,
    },
    {
      group: 'verify MESSAGE-INTEGRITY + FINGERPRINT (decoded message)',
      impl: 'tsrtc',
      targetNs: 2000,
      fn: () => verifyMessageIntegrity(decoded, keyBytes) && verifyFingerprint(decoded),
    },
    {
      group: 'encode Binding request with MESSAGE-INTEGRITY + FINGERPRINT',
      impl: 'tsrtc',
      targetNs: 2000,
      fn: tsrtcEncode,
    },
    {
      group: 'encode Binding request with MESSAGE-INTEGRITY + FINGERPRINT',
      impl: 'werift',
      fn: weriftEncode,
    },
    {
      group: 'encode Binding success response (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT)',
      impl: 'tsrtc',
      fn: tsrtcResponse,
    },
    {
      group: 'encode Binding success response (XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT)',
      impl: 'werift',
      fn: weriftResponse,
    },
  ],
};
