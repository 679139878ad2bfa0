// MiniGrid's DoorKeyEnv (minigrid/envs/doorkey.py): a walled size x size room split by a vertical wall at
// splitIdx = _rand_int(2, size - 2) (:85); the agent anywhere left of it (:90, random direction); a locked yellow
// door in the wall at y = _rand_int(1, size - 2) (:93); a yellow key left of the wall (:97, place_obj, so not on
// the agent); the goal at (size - 2, size - 2). max_steps 10 * size^2.
// Mission: "use the key to open the door and then get to the goal".
import { Grid } from '../grid.ts'
import { MiniGridEnv } from '../minigrid_env.ts'
import { Door, Goal, Key } from '../objects.ts'

export class DoorKeyEnv extends MiniGridEnv {
  constructor(id: string, opts: { size?: number } = {}, seed?: number) {
    const size = opts.size ?? 8
    super(id, { width: size, height: size, maxSteps: 10 * size * size }, seed)
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height)
    this.grid.wallRect(0, 0, width, height)
    this.putObj(new Goal(), width - 2, height - 2)
    const splitIdx = this.randInt(2, width - 2)
    this.grid.vertWall(splitIdx, 0)
    this.placeAgent([0, 0], [splitIdx, height])
    const doorIdx = this.randInt(1, width - 2)
    this.putObj(new Door('yellow', false, true), splitIdx, doorIdx)
    this.placeObj(new Key('yellow'), [0, 0], [splitIdx, height])
    this.mission = 'use the key to open the door and then get to the goal'
  }
}
