// How much of a folder or a file of manifests Tether reads, shared by the watched folder
// (`tether serve --source DIR`) and `tether translate -f`. docs/operations.md, "Limits", lists them.

/**
 * Bytes per manifest file. One Kubernetes object is at most about 1.5 MiB (the API server's
 * limit), and parsing YAML takes tens of times the text's size in memory while it runs, so a
 * bigger file is refused rather than allowed to exhaust the process.
 */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Bytes of all manifest files of a folder together: what stays in memory as objects. */
export const DEFAULT_MAX_FOLDER_BYTES = 16 * 1024 * 1024;

/**
 * A watched file is read only once it has not changed for this long, so a file written in several
 * steps (truncate, then write in chunks) is never read half-written.
 */
export const DEFAULT_QUIET_PERIOD_MS = 500;

/** Folders nested deeper than this under the root are not read. */
export const MAX_FOLDER_DEPTH = 32;

/**
 * A file of this name in the watched folder (its content does not matter) says that a folder with
 * no objects really means "no objects". Without it, a folder that becomes empty (a remount, a
 * half-done copy) keeps the last config.
 */
export const ALLOW_EMPTY_MARKER = '.tether-allow-empty';
