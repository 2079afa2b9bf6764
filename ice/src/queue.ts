// FIFOs for the engine's poll outputs (transmits, events): push, then shift until empty; the
// backing arrays (and, for transmits, the objects) are reused once drained, so the steady state
// does not allocate per datagram.
import type { TransportAddress } from './address.js';

export class PollQueue<T> {
  private readonly items: (T | undefined)[] = [];
  private count = 0;
  private head = 0;

  push(item: T): void {
    if (this.head > 0 && this.head >= this.count) {
      this.head = 0;
      this.count = 0;
    }
    // Overwrite in place: truncating the array would free (and later regrow) its backing store.
    if (this.count < this.items.length) this.items[this.count] = item;
    else this.items.push(item);
    this.count++;
  }

  shift(): T | undefined {
    if (this.head >= this.count) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    return item;
  }

  get length(): number {
    return this.count - this.head;
  }
}

/** A datagram to send (see `IceAgent.pollTransmit`). */
export interface Transmit {
  data: Uint8Array;
  from: TransportAddress;
  to: TransportAddress;
  /**
   * 'tcp': write to the driver's TCP connection from socket `from`'s interface to `to` (a TURN
   * server; opened on first use, bytes in order). Absent/undefined: a UDP datagram.
   */
  transport?: 'tcp';
}

/**
 * The transmit queue, with its `Transmit` objects recycled once the queue has been drained: a
 * returned object is valid until the next call into the engine (the buffer-lifetime rule), and
 * the steady state allocates nothing per datagram.
 */
export class TransmitQueue {
  private readonly slots: Transmit[] = [];
  private count = 0;
  private head = 0;

  push(data: Uint8Array, from: TransportAddress, to: TransportAddress, transport?: 'tcp'): void {
    if (this.head > 0 && this.head >= this.count) {
      this.head = 0;
      this.count = 0;
    }
    let slot = this.slots[this.count];
    if (slot) {
      slot.data = data;
      slot.from = from;
      slot.to = to;
      slot.transport = transport;
    } else {
      slot = transport ? { data, from, to, transport } : { data, from, to, transport: undefined };
      this.slots.push(slot);
    }
    this.count++;
  }

  shift(): Transmit | undefined {
    if (this.head < this.count) return this.slots[this.head++];
    // Drained: the last transmit handed out is no longer valid (this is the next call into the
    // agent), so the slots let go of their datagrams and destinations. Kept until the next
    // push, they would outlive young-generation GCs on an idle connection (an answer every few
    // seconds) and be promoted, only to become garbage in the old generation.
    for (let i = 0; i < this.count; i++) {
      const slot = this.slots[i];
      slot.data = NO_DATA;
      slot.to = NOWHERE;
    }
    this.head = this.count = 0;
    return undefined;
  }

  get length(): number {
    return this.count - this.head;
  }
}

const NO_DATA = new Uint8Array(0);
const NOWHERE: TransportAddress = { family: 4, address: '0.0.0.0', port: 0 };
