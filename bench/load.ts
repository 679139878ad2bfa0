// Background load for benches (RL_BENCH_LOAD): n child processes, each spinning one core until stopped (or until
// this process exits, however it exits), so a bench can show how a run behaves on a machine someone else is using.
import { spawn, type ChildProcess } from 'node:child_process'

export function startLoad(n: number): { stop(): void } {
  const procs: ChildProcess[] = []
  for (let i = 0; i < n; i++) procs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
  const stop = () => {
    for (const p of procs) p.kill('SIGKILL')
    process.off('exit', stop)
  }
  if (n) process.on('exit', stop)
  return { stop }
}
