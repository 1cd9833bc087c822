// A progress bar for long work: step/total, rate, ETA and whatever metrics the caller passes
// (loss, accuracy). On a terminal it redraws one line; in a log (CI) it prints a line at every
// tenth of the way, so logs stay short and still show progress.

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Unit of the rate (e.g. 'img' gives "1234 img/s"); counts come from tick(n). */
  unit?: string;
  stream?: NodeJS.WriteStream;
  width?: number;
}

const fmtTime = (s: number): string => {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const ss = String(Math.floor(s % 60)).padStart(2, '0');
  return h ? `${h}:${String(m % 60).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

export const fmtMetric = (v: number): string => (Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(4));

export class ProgressBar {
  private done = 0;
  private units = 0;
  private readonly start = performance.now();
  private lastPrintedTenth = -1;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  metrics: Record<string, number> = {};

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && !process.env.CI;
  }

  /** Advances by one step that processed `units` items (e.g. images), updating metrics. */
  tick(units = 1, metrics: Record<string, number> = {}): void {
    this.done += 1;
    this.units += units;
    Object.assign(this.metrics, metrics);
    this.render(false);
  }

  line(): string {
    const elapsed = (performance.now() - this.start) / 1000;
    const frac = this.o.total ? Math.min(1, this.done / this.o.total) : 0;
    const width = this.o.width ?? 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const rate = this.units / Math.max(elapsed, 1e-9);
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : Infinity;
    const metrics = Object.entries(this.metrics).map(([k, v]) => `${k} ${fmtMetric(v)}`).join('  ');
    return `${this.o.label ? this.o.label + ' ' : ''}${bar} ${this.done}/${this.o.total}  ${rate.toFixed(rate < 10 ? 1 : 0)} ${this.o.unit ?? 'it'}/s  ${fmtTime(elapsed)}<${fmtTime(eta)}${metrics ? '  ' + metrics : ''}`;
  }

  private render(final: boolean): void {
    if (this.tty) {
      this.stream.write(`\r${this.line()}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((this.done / Math.max(this.o.total, 1)) * 10);
    if (final || tenth > this.lastPrintedTenth) {
      this.lastPrintedTenth = tenth;
      this.stream.write(this.line() + '\n');
    }
  }

  /** Prints the final state (and ends the terminal line). */
  finish(metrics: Record<string, number> = {}): void {
    Object.assign(this.metrics, metrics);
    if (this.tty || this.lastPrintedTenth < 10) this.render(true);
  }
}
