// `rl-rnd envs`: the registered games (PLE and MiniGrid), their actions and observation shapes and kinds.
import type { Command } from 'commander'
import { listEnvs } from '../env/index.ts'

export function register(program: Command): void {
  program
    .command('envs')
    .description('list the games (environment ids, actions, observation shapes)')
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }) => {
      const envs = listEnvs()
      if (opts.json) {
        console.log(JSON.stringify(envs, null, 2))
        return
      }
      for (const e of envs) {
        const actions = e.actionMeanings.map((m, i) => `${i}=${m}`).join(' ')
        const obs = e.observationShape.join('x')
        console.log(`${e.id}  obs ${obs} uint8  actions [${actions}]  max ${e.maxEpisodeSteps} steps`)
        console.log(`  ${e.description}`)
        console.log(`  observation (${e.kind}): ${e.observation}`)
      }
    })
}
