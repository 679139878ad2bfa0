// MiniGrid's ObstructedMaze_1Dlhb (minigrid/envs/obstructedmaze.py), a RoomGrid of 1 x 2 rooms of size 6
// (11 x 6 cells), max_steps 4 * num_rooms_visited (2) * 6^2 = 288:
//   the door colours are a random permutation of COLOR_NAMES (_rand_subset, :115; its last pick draws nothing);
//   a locked door of the first colour on the right wall of the left room; its key placed in the left room (:164)
//   (in a grey box with key_in_box, and a green ball in front of the door with blocked); the blue target ball in
//   the right room (:194); the agent in the left room (:195). Success: picking up the ball (:130).
// MiniGrid-ObstructedMaze-1Dl-v0 is this class with key_in_box=False, blocked=False.
// Mission: "pick up the blue ball".
import { COLOR_NAMES, DIR_TO_VEC, type Color } from '../constants.ts'
import { RoomGrid } from '../roomgrid.ts'
import { Ball, Box, Key, type WorldObj } from '../objects.ts'

export interface ObstructedMazeOptions {
  keyInBox?: boolean
  blocked?: boolean
}

export class ObstructedMaze1Dlhb extends RoomGrid {
  private readonly keyInBox: boolean
  private readonly blocked: boolean
  private doorColors: Color[] = []

  constructor(id: string, opts: ObstructedMazeOptions = {}, seed?: number) {
    const roomSize = 6,
      numRoomsVisited = 2
    super(id, { roomSize, numRows: 1, numCols: 2, maxSteps: 4 * numRoomsVisited * roomSize * roomSize }, seed)
    this.keyInBox = opts.keyInBox ?? true
    this.blocked = opts.blocked ?? true
  }

  protected override genGrid(width: number, height: number): void {
    // ObstructedMazeEnv._gen_grid
    super.genGrid(width, height)
    this.doorColors = this.randSubset(COLOR_NAMES, COLOR_NAMES.length)
    this.mission = `pick up the ${COLOR_NAMES[0]} ball`
    // ObstructedMaze_1Dlhb._gen_grid
    this.addObstructedDoor(0, 0, 0, this.doorColors[0], true)
    this.pickupTarget = this.addObject(1, 0, 'ball', COLOR_NAMES[0])
    this.placeAgentInRoom(0, 0)
  }

  // ObstructedMazeEnv.add_door: the door, then a blocking ball in front of it, then its key (maybe in a box)
  private addObstructedDoor(i: number, j: number, doorIdx: number, color: Color, locked: boolean): void {
    const door = this.addDoor(i, j, doorIdx, color, locked)
    if (this.blocked) {
      const [px, py] = this.getRoom(i, j).doorPos[doorIdx]!,
        [vx, vy] = DIR_TO_VEC[doorIdx]
      this.grid.set(px - vx, py - vy, new Ball(COLOR_NAMES[1]))
    }
    if (locked) {
      let obj: WorldObj = new Key(door.color)
      if (this.keyInBox) obj = new Box(COLOR_NAMES[2], obj)
      this.placeInRoom(i, j, obj)
    }
  }
}
