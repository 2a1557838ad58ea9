// `tether decode VALUE`: which endpoint a session cookie or header value pins, and until when.
import { Command, CommanderError, Option } from 'commander';
import { decodeSessionInput, readExpiry, SessionValueError, type ExpiryReading, type SessionValue } from '../codec/session-value.ts';

/** Where a command writes; tests pass their own. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * 9999-12-31T23:59:59Z, the last second readExpiry (src/codec/session-value.ts) reads as a date.
 * Anything above is no date and no monotonic reading either (that would be millennia of uptime):
 * a forged or corrupted value, such as 2^64 - 1.
 */
const LAST_DATE_SECONDS = 253_402_300_799n;

/** readExpiry, plus the third case: a number too big to be either clock. */
export type ExpiryDescription = ExpiryReading | { seconds: string; clock: 'out-of-range' };

export function describeExpiry(seconds: string): ExpiryDescription {
  const reading = readExpiry(seconds);
  if (reading.clock === 'monotonic' && BigInt(seconds) > LAST_DATE_SECONDS) return { seconds, clock: 'out-of-range' };
  return reading;
}

/** Exit code for input the command cannot read (bad YAML, a value that is not a session value). */
export const EXIT_BAD_INPUT = 2;

interface DecodeOptions {
  header?: boolean;
  output: 'text' | 'json';
}

export function decodeCommand(io: CliOutput = processOutput): Command {
  return new Command('decode')
    .exitOverride()
    .description('Show the endpoint (and expiry) inside an Envoy session cookie or header value')
    .argument('<value>', 'the value: base64, quoted or not, or a name=value cookie pair, a Set-Cookie/Cookie line, a "name: value" header line')
    .option('--header', 'the value comes from a session header (header lines "name: value" are read as such)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((value: string, options: DecodeOptions) => {
      runDecode(value, options, io);
    });
}

export function runDecode(input: string, options: DecodeOptions, io: CliOutput): void {
  let decoded: SessionValue[];
  try {
    decoded = decodeSessionInput(input, { header: options.header });
  } catch (err) {
    if (!(err instanceof SessionValueError)) throw err;
    fail(io, `decode: ${err.message}`);
  }

  if (options.output === 'json') {
    const json = decoded.map((d) => ({ ...d, ...(d.expires ? { expiry: describeExpiry(d.expires) } : {}) }));
    io.out(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
    return;
  }
  // A "name: value" line (other than Cookie:/Set-Cookie:) is a header, whether or not --header was given.
  const headerLine = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:/.test(input.trim()) && !/^(set-)?cookie\s*:/i.test(input.trim());
  io.out(decoded.map((d) => formatSessionValue(d, options.header || headerLine ? 'header' : 'cookie')).join('\n'));
}

/** The readable form: one `label  value` line per fact. */
export function formatSessionValue(d: SessionValue, carrier: 'cookie' | 'header'): string {
  const lines: [string, string][] = [];
  if (d.name) lines.push([carrier, d.name]);
  lines.push(['address', d.address]);
  lines.push(['endpoint', `${d.ip} port ${d.port} (IPv${d.family})`]);
  lines.push([
    'encoding',
    d.encoding === 'protobuf'
      ? 'base64 of a protobuf SessionCookie (cookie state, Envoy 1.27 and later)'
      : 'base64 of "ip:port" (header state, or cookie state before Envoy 1.27)',
  ]);
  if (d.expires === undefined) {
    lines.push(['expires', d.encoding === 'protobuf' ? 'never (no expiry inside: a session cookie)' : 'never (this encoding has no expiry)']);
  } else {
    const e = describeExpiry(d.expires);
    lines.push([
      'expires',
      e.clock === 'out-of-range'
        ? `${e.seconds} (out of range: after 9999-12-31 as Unix seconds, and far too big for a monotonic clock; Envoy does not write such a value)`
        : e.utc
          ? `${e.seconds} = ${e.utc} (read as Unix seconds: the number is large enough to be a date)`
          : `${e.seconds} (too small to be a date: seconds of a monotonic clock, time since the Envoy host booted, which differs between machines)`,
    ]);
  }
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${k.padEnd(width)}${v}\n`).join('');
}

function fail(io: CliOutput, message: string): never {
  io.err(`${message}\n`);
  throw new CommanderError(EXIT_BAD_INPUT, 'tether.badInput', message);
}
