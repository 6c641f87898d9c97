/**
 * Progress of an export or import, on stderr (stdout may carry the export itself): a redrawn bar on a
 * terminal (cli-progress: throttled redraws, terminal width, cursor handling), plain lines otherwise
 * (`exported 10000/100000 versions`, one per tenth of a phase and one at its end, so logs stay short and
 * a CI log shows the same lines every run), nothing with `--quiet`.
 */
import cliProgress from 'cli-progress';

export interface Phase {
  advance(steps?: number): void;
  /** Ends the phase (the plain reporter prints its final count here). */
  end(): void;
}

export interface Progress {
  /** A phase of `total` steps, described as `<label> <done>/<total> <unit>`. */
  phase(label: string, total: number, unit: string): Phase;
  /** A line of its own, e.g. the summary. */
  say(line: string): void;
}

/** Runs `fn` as a phase, ended however `fn` ends (a bar left running would keep the cursor hidden). */
export async function inPhase<T>(progress: Progress, label: string, total: number, unit: string, fn: (phase: Phase) => Promise<T>): Promise<T> {
  const phase = progress.phase(label, total, unit);
  try {
    return await fn(phase);
  } finally {
    phase.end();
  }
}

const NO_PHASE: Phase = { advance() {}, end() {} };

export const silentProgress: Progress = { phase: () => NO_PHASE, say() {} };

/** Plain lines: at every tenth of the phase and at its end. */
export function lineProgress(out: NodeJS.WritableStream): Progress {
  return {
    phase(label, total, unit) {
      let done = 0;
      let printed = -1;
      let tenths = 0;
      const print = () => {
        out.write(`${label} ${done}/${total} ${unit}\n`);
        printed = done;
      };
      return {
        advance(steps = 1) {
          done += steps;
          const now = total > 0 ? Math.floor((done * 10) / total) : 10;
          if (now > tenths) {
            tenths = now;
            print();
          }
        },
        end() {
          if (printed !== done) print();
        },
      };
    },
    say: (line) => void out.write(`${line}\n`),
  };
}

/** A bar redrawn in place, for a terminal. */
export function barProgress(out: NodeJS.WritableStream): Progress {
  return {
    phase(label, total, unit) {
      const bar = new cliProgress.SingleBar(
        { stream: out, format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 100 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      return { advance: (steps = 1) => bar.increment(steps), end: () => bar.stop() };
    },
    say: (line) => void out.write(`${line}\n`),
  };
}

/** The reporter for a stream: a bar on a terminal, plain lines elsewhere, nothing when quiet. */
export function progressFor(out: NodeJS.WriteStream, quiet: boolean): Progress {
  if (quiet) return silentProgress;
  return out.isTTY ? barProgress(out) : lineProgress(out);
}
