// Server-reflexive gathering (RFC 8445 §5.1.1.2): one unauthenticated Binding request per
// (host socket, STUN server of its family), retransmitted per RFC 8489 §6.2.1; each success
// response's (XOR-)MAPPED-ADDRESS is a server-reflexive candidate of that socket.
import { StunClass, type StunMessage } from '@tsrtc/stun';
import type { TransportAddress } from './address.js';
import { writeBindingRequest } from './messages.js';
import type { TransmitQueue } from './queue.js';
import { TransactionTable, type RetransmitPolicy } from './transactions.js';

export interface MappedAddress {
  /** The host socket the request left from (the candidate's base). */
  base: TransportAddress;
  server: TransportAddress;
  mapped: TransportAddress;
}

export class StunGathering {
  private readonly table = new TransactionTable<{ server: TransportAddress; base: TransportAddress }>();

  constructor(
    private readonly out: Pick<TransmitQueue, 'push'>,
    private readonly policy: RetransmitPolicy,
    private readonly software: string,
  ) {}

  /** Requests still waiting for an answer (gathering is not complete while any is). */
  get pending(): number {
    return this.table.size;
  }

  /** Asks every server of the socket's family for our mapped address. */
  start(socket: TransportAddress, servers: readonly TransportAddress[], newTransactionId: () => Uint8Array, now: number): void {
    for (const server of servers) {
      if (server.family !== socket.family) continue;
      const id = newTransactionId();
      const req = writeBindingRequest(id, this.software);
      this.table.add(id, req, socket, server, { server, base: socket }, this.policy, now);
      this.out.push(req, socket, server);
    }
  }

  owns(msg: StunMessage): boolean {
    return this.table.peek(msg.transactionId) !== undefined;
  }

  /** A response to one of our requests: its mapped address, or undefined (error response). */
  handleResponse(msg: StunMessage): MappedAddress | undefined {
    const tx = this.table.take(msg.transactionId);
    if (!tx || msg.messageClass !== StunClass.SUCCESS_RESPONSE) return undefined;
    const mapped = msg.xorMappedAddress() ?? msg.mappedAddress();
    return mapped ? { base: tx.context.base, server: tx.context.server, mapped } : undefined;
  }

  /** Retransmits; returns true when a request gave up (gathering may now be complete). */
  handleTimeout(now: number): boolean {
    let gaveUp = false;
    this.table.handleTimeout(
      now,
      () => this.policy,
      (tx) => this.out.push(tx.request, tx.from, tx.to),
      () => (gaveUp = true),
    );
    return gaveUp;
  }

  nextDeadline(): number | undefined {
    return this.table.nextDeadline();
  }

  clear(): void {
    this.table.deleteWhere(() => true);
  }
}
