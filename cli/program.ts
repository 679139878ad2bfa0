// The `rl-rnd` command as a function: runCli(argv) builds the program, runs one command and returns its exit code,
// printing any failure as one line `error: <message>` on stderr (cli/errors.ts), never a stack trace. cli/main.ts
// calls it for the process; tests call it in-process. One subcommand per file (cli/<name>.ts exports
// `register(program)`), imported statically so a broken import fails loudly instead of hiding its command. Every
// command, whoever built it, gets the same parser behaviour: unknown options, stray arguments, missing values and
// unknown commands are one line and exit 2; --help and --version exit 0.
import { Command, CommanderError } from 'commander'
import { createRequire } from 'node:module'
import * as envs from './envs.ts'
import * as play from './play.ts'
import * as train from './train.ts'
import * as graph from './graph.ts'
import * as bench from './bench.ts'
import * as explore from './explore.ts'
import * as visits from './visits.ts'
import * as learner from './learner.ts'
import * as actor from './actor.ts'
import { exitOnBadInput } from './args_cli.ts'
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED, badInput, oneLine } from './errors.ts'
import { DataError } from './validate.ts'

export const VERSION: string = createRequire(import.meta.url)('../package.json').version

function printError(msg: string): void {
  process.stderr.write(`error: ${oneLine(msg)}\n`)
}

/** The exit code of a failure, after printing it as one line (commander has printed its own already). */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT
  if (e instanceof CliError) {
    if (e.message) printError(e.message)
    return e.code
  }
  if (e instanceof DataError) {
    printError(e.message)
    return EXIT_BAD_INPUT
  }
  // not foreseen (a bug, a fault of the machine): still one line; the stack trace on request
  const err = e instanceof Error ? e : new Error(String(e))
  printError(`${err.message} (unexpected ${err.name}; RL_RND_DEBUG=1 prints its stack trace)`)
  if (process.env.RL_RND_DEBUG) process.stderr.write(`${err.stack}\n`)
  return EXIT_FAILED
}

/** Run `fn` (a command, a script's body) and return its exit code: 0, or the failure's after one printed line. */
export async function runMain(fn: () => unknown): Promise<number> {
  try {
    await fn()
    return 0
  } catch (e) {
    return reportError(e)
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command()
  program
    .name('rl-rnd')
    .description('Reinforcement learning with Random Network Distillation on PPO')
    .version(VERSION, '--version', 'print the version and exit')
  for (const command of [envs, play, train, learner, actor, graph, visits, explore, bench]) command.register(program)
  for (const c of [program, ...program.commands]) exitOnBadInput(c)
  const names = program.commands.map((c) => c.name()).join(', ')
  return runMain(async () => {
    if (argv.length === 0) badInput(`no command given; available: ${names} (rl-rnd --help)`)
    await program.parseAsync(argv, { from: 'user' })
  })
}
