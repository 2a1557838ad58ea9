// A tiny authoritative DNS server on loopback UDP for tests: answers A and AAAA from a table that
// tests change while it runs, NXDOMAIN for unknown names, an empty answer (NODATA) for a known name
// without records of the asked type, and can be told to fail (SERVFAIL) or stay silent (timeout).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface DnsRecords {
  a?: string[];
  aaaa?: string[];
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

export class TestDnsServer {
  private readonly socket: Socket;
  private readonly table = new Map<string, DnsRecords>();
  private failure: 'servfail' | 'silent' | undefined;
  /** Questions received, as `name TYPE`. */
  readonly queries: string[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.answer(msg, rinfo));
  }

  static async start(): Promise<TestDnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new TestDnsServer(socket);
  }

  /** `127.0.0.1:port`, for Resolver.setServers. */
  get server(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  set(name: string, records: DnsRecords): void {
    this.table.set(normalize(name), records);
  }

  remove(name: string): void {
    this.table.delete(normalize(name));
  }

  /** Makes every query fail (SERVFAIL) or go unanswered; undefined restores normal answers. */
  fail(mode: 'servfail' | 'silent' | undefined): void {
    this.failure = mode;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const flags = msg.readUInt16BE(2);
    if (msg.readUInt16BE(4) !== 1) return; // one question, as every resolver sends
    // Question: labels, then type and class.
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      const len = msg[offset] ?? 0;
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('latin1'));
      offset += 1 + len;
    }
    offset += 1;
    if (offset + 4 > msg.length) return;
    const qtype = msg.readUInt16BE(offset);
    const question = msg.subarray(12, offset + 4);
    const name = normalize(labels.join('.'));
    this.queries.push(`${name} ${qtype === TYPE_A ? 'A' : qtype === TYPE_AAAA ? 'AAAA' : String(qtype)}`);
    if (this.failure === 'silent') return;

    let rcode = 0;
    let rdatas: Buffer[] = [];
    const records = this.table.get(name);
    if (this.failure === 'servfail') rcode = RCODE_SERVFAIL;
    else if (!records) rcode = RCODE_NXDOMAIN;
    else if (qtype === TYPE_A) rdatas = (records.a ?? []).map(ipv4Bytes);
    else if (qtype === TYPE_AAAA) rdatas = (records.aaaa ?? []).map(ipv6Bytes);

    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    // QR, the request's opcode and RD, AA, RA, rcode.
    header.writeUInt16BE(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(rdatas.length, 6);
    const answers = rdatas.map((rdata) => {
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4); // class IN
      rr.writeUInt32BE(5, 6); // TTL
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    this.socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  }
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Buffer {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
