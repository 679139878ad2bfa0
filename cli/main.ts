// The `rl-rnd` command: one subcommand per file (cli/<name>.ts exports `register(program)`).
import { Command } from 'commander'

const program = new Command()
program.name('rl-rnd').description('Reinforcement learning with Random Network Distillation on PPO').showHelpAfterError()

const commands = ['envs', 'play', 'train', 'graph', 'bench']
for (const name of commands) {
  const mod = await import(`./${name}.ts`).catch((e: any) => (e.code === 'ERR_MODULE_NOT_FOUND' ? null : Promise.reject(e)))
  if (mod) mod.register(program)
}
await program.parseAsync(process.argv)
