// The `rl-rnd` process: the command of cli/program.ts on this process's arguments; its exit code is the process's.
import { runCli } from './program.ts'

process.exitCode = await runCli(process.argv.slice(2))
