// Progress bars with ETA for the rollout and optimization phases (cli-progress, on stderr so stdout stays the log).
// Off with --disable_progress_bar or when stderr is not a TTY; then onProgress does nothing.
import cliProgress from 'cli-progress'

export interface Progress {
  onProgress(phase: string, done: number, total: number): void
  /** Close any open bar (call before printing a log line). */
  stop(): void
}

export function makeProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { onProgress() {}, stop() {} }
  let bar: cliProgress.SingleBar | null = null
  let phase = ''
  const stop = () => {
    bar?.stop()
    bar = null
    phase = ''
  }
  return {
    onProgress(p, done, total) {
      if (p !== phase || !bar) {
        stop()
        phase = p
        bar = new cliProgress.SingleBar(
          {
            format: `${p.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | ` + '{duration_formatted} elapsed, ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(total, done)
      } else {
        bar.setTotal(total)
        bar.update(done)
      }
      if (done >= total) stop()
    },
    stop,
  }
}
