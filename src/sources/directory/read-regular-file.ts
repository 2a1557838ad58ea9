// Reads a file only when it is a regular file no bigger than a limit. The check is made on the
// opened handle, not on the path, and the open does not block, so a FIFO, a device (/dev/zero) or
// a socket put in place of a manifest is refused instead of hanging or reading for ever.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

export type ReadFault = 'not-regular' | 'too-big';

/** A file refused for what it is, not for an I/O error (those are thrown as they come). */
export class RefusedFileError extends Error {
  readonly path: string;
  readonly fault: ReadFault;
  constructor(path: string, fault: ReadFault, message: string) {
    super(message);
    this.name = 'RefusedFileError';
    this.path = path;
    this.fault = fault;
  }
}

export interface RegularFile {
  bytes: Buffer;
  /** The handle's stat after reading (compare with an earlier stat to notice a write meanwhile). */
  stats: Stats;
}

export async function readRegularFile(path: string, maxBytes: number): Promise<RegularFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const before = await handle.stat();
    if (!before.isFile()) throw new RefusedFileError(path, 'not-regular', `not a regular file (${describeFileType(before)})`);
    if (before.size > maxBytes) throw new RefusedFileError(path, 'too-big', tooBig(before.size, maxBytes));
    // Read to the end, one byte past the limit at most: the file may grow while it is read.
    let buffer = Buffer.alloc(Math.min(before.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) throw new RefusedFileError(path, 'too-big', `grew past the limit of ${maxBytes} bytes per file while being read`);
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { bytes: buffer.subarray(0, length), stats: await handle.stat() };
  } finally {
    await handle.close();
  }
}

/** What a non-regular file is, for messages. */
export function describeFileType(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function tooBig(size: number, maxBytes: number): string {
  return `${size} bytes, over the limit of ${maxBytes} bytes per file`;
}
