/**
 * One error format for the whole engine: a stable code, the stage that raised it,
 * the file it concerns, and a human sentence.  `toString()` gives
 * `E_FITS_TRUNCATED: Kimages/x.fits: data unit ends at byte 1234567 of 2105280`.
 */

/** Stable machine-readable error codes. Scripts may match on them; never rename one. */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_FILE_NOT_FOUND'
  | 'E_FILE_READ'
  | 'E_FILE_WRITE'
  | 'E_DISK_FULL'
  | 'E_NOT_FITS'
  | 'E_FITS_TRUNCATED'
  | 'E_FITS_HEADER'
  | 'E_FITS_BITPIX'
  | 'E_FITS_NO_IMAGE'
  | 'E_FITS_HDU'
  | 'E_FITS_COMPRESSION'
  | 'E_GZIP_CORRUPT'
  | 'E_WCS_MISSING'
  | 'E_WCS_KEYWORD'
  | 'E_WCS_PROJECTION'
  | 'E_WCS_SINGULAR'
  | 'E_WCS_FRAME'
  | 'E_TABLE'
  | 'E_TABLE_COLUMN'
  | 'E_TEMPLATE'
  | 'E_NO_INPUT'
  | 'E_NO_OVERLAP'
  | 'E_EMPTY_DIR'
  | 'E_NATIVE'
  | 'E_WORKER'
  | 'E_ARGUMENT'
  | 'E_RUN'
  | 'E_INTERNAL';

export interface MosaicErrorInit {
  /** Pipeline stage or command, e.g. `project`, `fits`. */
  stage?: string;
  /** File the problem concerns, as the user named it. */
  file?: string;
  /** Underlying error, kept for debugging. */
  cause?: unknown;
}

export class MosaicError extends Error {
  readonly code: ErrorCode;
  readonly stage?: string;
  readonly file?: string;

  constructor(code: ErrorCode, message: string, init: MosaicErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MosaicError';
    this.code = code;
    this.stage = init.stage;
    this.file = init.file;
  }

  /** The same error with the file (and stage) filled in where the thrower did not know them. */
  withContext(ctx: { stage?: string; file?: string }): MosaicError {
    if ((this.file || !ctx.file) && (this.stage || !ctx.stage)) return this;
    const e = new MosaicError(this.code, this.message, {
      stage: this.stage ?? ctx.stage,
      file: this.file ?? ctx.file,
      cause: this.cause,
    });
    e.stack = this.stack;
    return e;
  }

  /** `CODE: file: message` (the file part omitted when unknown). */
  override toString(): string {
    return `${this.code}: ${this.file ? `${this.file}: ` : ''}${this.message}`;
  }

  toJSON(): { code: ErrorCode; stage?: string; file?: string; message: string } {
    return { code: this.code, stage: this.stage, file: this.file, message: this.message };
  }
}

/** Turn anything thrown (Node system errors included) into a MosaicError with context. */
export function asMosaicError(err: unknown, ctx: { stage?: string; file?: string } = {}): MosaicError {
  if (err instanceof MosaicError) return err.withContext(ctx);
  const sys = err as NodeJS.ErrnoException;
  const file = ctx.file ?? (typeof sys?.path === 'string' ? sys.path : undefined);
  const init = { ...ctx, file, cause: err };
  switch (sys?.code) {
    case 'ENOENT':
      return new MosaicError('E_FILE_NOT_FOUND', 'no such file or directory', init);
    case 'ENOSPC':
      return new MosaicError('E_DISK_FULL', 'no space left on device', init);
    case 'EDQUOT':
      return new MosaicError('E_DISK_FULL', 'disk quota exceeded', init);
    case 'EACCES':
    case 'EPERM':
      return new MosaicError('E_FILE_WRITE', 'permission denied', init);
    case 'EISDIR':
      return new MosaicError('E_FILE_READ', 'is a directory, expected a file', init);
    case 'ENOTDIR':
      return new MosaicError('E_FILE_NOT_FOUND', 'a path component is not a directory', init);
    case 'EROFS':
      return new MosaicError('E_FILE_WRITE', 'read-only file system', init);
    case 'EEXIST': // mkdir of an output folder where a file is
      return new MosaicError('E_FILE_WRITE', 'already exists and is not a folder', init);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new MosaicError('E_INTERNAL', message, init);
}
