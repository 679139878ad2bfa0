// web/settings.ts: every game the page's picker offers gets trainer args that validate, tiny or not, and the PLE
// games whose episodes run thousands of steps get fixed-length rollouts (whole PuckWorld episodes are 10000 steps).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { listEnvs } from '../../env/index.ts'
import { validateArgs } from '../../rl/args.ts'
import { GAMES, gameSettings, pageArgs } from '../../web/settings.ts'

const test = suite('web/settings')

test("the picker offers every registered game; each one's page args validate (tiny and not)", () => {
  assert.equal(
    GAMES,
    listEnvs().map((e) => e.id),
  )
  for (const g of GAMES) {
    for (const tiny of [false, true]) {
      const a = pageArgs(g, gameSettings(g, tiny))
      assert.is(validateArgs(a), null, `${g}${tiny ? ' tiny' : ''}`)
      assert.is(a.game, g)
    }
  }
})

test('PLE rollouts: whole episodes, but fixed-length for PuckWorld, RaycastMaze, WaterWorld, MonsterKong', () => {
  const fixed = listEnvs()
    .filter((e) => e.kind === 'pixels' && pageArgs(e.id, gameSettings(e.id, false)).num_steps > 0)
    .map((e) => e.id)
  assert.equal(fixed.sort(), ['MonsterKong-v0', 'PuckWorld-v0', 'RaycastMaze-v0', 'WaterWorld-v0'])
  assert.is(pageArgs('PuckWorld-v0', gameSettings('PuckWorld-v0', true)).num_steps, 32)
  assert.is(pageArgs('Catcher-v0', gameSettings('Catcher-v0', true)).num_trials, 4)
})

test.run()
