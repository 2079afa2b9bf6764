// The README example (run: node --conditions=tsrtc-source --import tsx stun/examples/binding.ts)
import {
  StunClass, StunMethod, StunWriter, StunClientTransaction, decodeStun, isStun,
  shortTermKey, verifyFingerprint, verifyMessageIntegrity, newTransactionId,
} from '@tsrtc/stun';
import { randomFillSync } from 'node:crypto';

// Controlling agent → remote: a connectivity check signed with the remote's ice-pwd.
const remoteKey = shortTermKey('577b16d341484909cad98a');
const writer = new StunWriter();
const request = writer
  .begin(StunMethod.BINDING, StunClass.REQUEST, newTransactionId((b) => randomFillSync(b)))
  .username('6004:HRlX')            // <remote ufrag>:<local ufrag>
  .priority(1845501695)
  .iceControlling(0x25354f008942f4cen)
  .useCandidate()
  .finish({ integrityKey: remoteKey, fingerprint: true });

// Retransmit it on the caller's clock.
const tx = new StunClientTransaction(request, /* now */ 0, { rto: 500 });
for (let d = tx.pollTransmit(); d; d = tx.pollTransmit()) { /* socket.send(d) */ }
// …later: if (now >= tx.nextDeadline()!) { tx.handleTimeout(now); drain pollTransmit() }

// Remote side: check and read it. The view is zero-copy.
if (isStun(request)) {
  const msg = decodeStun(request);          // throws StunError on malformed framing
  const ok = verifyFingerprint(msg) && verifyMessageIntegrity(msg, remoteKey);
  console.log(ok, msg.username(), msg.priority(), msg.iceControlling(), msg.useCandidate());
  // → true 6004:HRlX 1845501695 2681136016890459342n true

  const response = new StunWriter()
    .begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, msg.transactionId)
    .xorMappedAddress({ family: 4, address: '198.51.100.10', port: 48179 })
    .finish({ integrityKey: remoteKey, fingerprint: true });
  console.log(tx.handleResponse(decodeStun(response)), tx.state); // → true succeeded
}
