// The `rl-rnd` command: one subcommand per file (cli/<name>.ts exports `register(program)`), imported statically so
// a broken import fails loudly instead of hiding its command.
import { Command } from 'commander'
import * as envs from './envs.ts'
import * as play from './play.ts'
import * as train from './train.ts'
import * as graph from './graph.ts'
import * as bench from './bench.ts'
import * as explore from './explore.ts'
import * as visits from './visits.ts'

const program = new Command()
program.name('rl-rnd').description('Reinforcement learning with Random Network Distillation on PPO').showHelpAfterError()
for (const command of [envs, play, train, graph, visits, explore, bench]) command.register(program)
await program.parseAsync(process.argv)
