/**
 * Progress reporting for long stages (project, add, build): a one-line bar redrawn in
 * place when stderr is a terminal, plain `stage: n/total` lines otherwise (at most one
 * line per 10 % so logs stay short), and nothing at all when quiet.
 */

/** What a running stage reports to. */
export interface Progress {
  /** Begin a stage of `total` steps (replaces any stage in progress). */
  start(stage: string, total: number): void;
  /** `done` steps of the current stage are finished (monotone; extra calls are cheap). */
  update(done: number, note?: string): void;
  /** Close the current stage (the bar ends with a newline). */
  finish(note?: string): void;
}

/** A Progress that prints nothing (library use, `--quiet`). */
export const silentProgress: Progress = { start() {}, update() {}, finish() {} };

export interface ProgressOptions {
  /** Redraw a bar with `\r` (terminal) instead of printing plain lines. */
  isTTY: boolean;
  /** Print nothing. */
  quiet?: boolean;
  /** Bar width in characters; default 30. */
  width?: number;
}

/**
 * Progress for a CLI command writing to `stream` (normally stderr).
 * @example createProgress(process.stderr, { isTTY: process.stderr.isTTY === true })
 */
export function createProgress(stream: NodeJS.WritableStream, opts: ProgressOptions): Progress {
  if (opts.quiet) return silentProgress;
  const width = opts.width ?? 30;
  let stage = '';
  let total = 0;
  let lastDone = -1;
  let lastDecile = -1;
  let open = false;

  const bar = (done: number, note?: string): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    return `\r${stage} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total}${note ? ` ${note}` : ''}\x1b[K`;
  };

  return {
    start(name, n) {
      if (open) this.finish();
      stage = name;
      total = Math.max(0, n);
      lastDone = -1;
      lastDecile = -1;
      open = true;
      if (opts.isTTY) stream.write(bar(0));
    },
    update(done, note) {
      if (!open || done === lastDone) return;
      lastDone = done;
      if (opts.isTTY) {
        stream.write(bar(done, note));
        return;
      }
      const decile = total > 0 ? Math.floor((10 * Math.min(done, total)) / total) : 10;
      if (decile > lastDecile && done < total) {
        lastDecile = decile;
        stream.write(`${stage}: ${done}/${total}${note ? ` ${note}` : ''}\n`);
      }
    },
    finish(note) {
      if (!open) return;
      open = false;
      if (opts.isTTY) stream.write(bar(Math.max(lastDone, total), note) + '\n');
      else stream.write(`${stage}: ${total}/${total} done${note ? ` ${note}` : ''}\n`);
    },
  };
}
