// The one error the codec throws for bad input.

/** Thrown when a value cannot be converted or encoded; `path` names the field. */
export class CodecError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'CodecError';
    this.path = path;
  }
}
