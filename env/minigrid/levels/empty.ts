// MiniGrid's EmptyEnv (minigrid/envs/empty.py): a walled size x size room, the goal in the bottom-right corner
// (size - 2, size - 2), the agent at agent_start_pos facing agent_start_dir (default (1, 1), right; no draw at all);
// with agent_start_pos None it is placed at random. see_through_walls=True (no occlusion); max_steps 4 * size^2.
// Mission: "get to the green goal square".
import { Grid } from '../grid.ts'
import { MiniGridEnv } from '../minigrid_env.ts'
import { Goal } from '../objects.ts'

export interface EmptyOptions {
  size?: number
  agentStartPos?: readonly [number, number] | null
  agentStartDir?: number
}

export class EmptyEnv extends MiniGridEnv {
  private readonly startPos: readonly [number, number] | null
  private readonly startDir: number

  constructor(id: string, opts: EmptyOptions = {}, seed?: number) {
    const size = opts.size ?? 8
    super(id, { width: size, height: size, maxSteps: 4 * size * size, seeThroughWalls: true }, seed)
    this.startPos = opts.agentStartPos === undefined ? [1, 1] : opts.agentStartPos
    this.startDir = opts.agentStartDir ?? 0
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height)
    this.grid.wallRect(0, 0, width, height)
    this.putObj(new Goal(), width - 2, height - 2)
    if (this.startPos !== null) {
      this.agentPos[0] = this.startPos[0]
      this.agentPos[1] = this.startPos[1]
      this.agentDir = this.startDir
    } else this.placeAgent()
    this.mission = 'get to the green goal square'
  }
}
