// MiniGrid's KeyCorridorEnv (minigrid/envs/keycorridor.py), a RoomGrid of num_rows x 3 rooms of room_size:
// the middle column is a corridor (the walls between its rooms removed); a locked door on the left wall of a room of
// the right column, row _rand_int(0, num_rows) (:112), colour random (:113); the target object (a ball) in that room
// (:114, colour random); a key of the door's colour in a random room of the left column (:117); the agent in the
// middle of the corridor (:120, RoomGrid.place_agent); connect_all() adds unlocked doors until every room is
// reachable (:123). max_steps 30 * room_size^2. Success: picking up the target (:133).
// Mission: "pick up the {colour} ball".
import { RoomGrid } from '../roomgrid.ts'

export interface KeyCorridorOptions {
  numRows?: number
  objType?: 'key' | 'ball' | 'box'
  roomSize?: number
}

export class KeyCorridorEnv extends RoomGrid {
  private readonly objType: 'key' | 'ball' | 'box'

  constructor(id: string, opts: KeyCorridorOptions = {}, seed?: number) {
    const roomSize = opts.roomSize ?? 6
    super(id, { roomSize, numRows: opts.numRows ?? 3, numCols: 3, maxSteps: 30 * roomSize * roomSize }, seed)
    this.objType = opts.objType ?? 'ball'
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height)
    for (let j = 1; j < this.numRows; j++) this.removeWall(1, j, 3)
    const roomIdx = this.randInt(0, this.numRows)
    const door = this.addDoor(2, roomIdx, 2, undefined, true)
    const obj = this.addObject(2, roomIdx, this.objType)
    this.addObject(0, this.randInt(0, this.numRows), 'key', door.color)
    this.placeAgentInRoom(1, this.numRows >> 1)
    this.connectAll()
    this.pickupTarget = obj
    this.mission = `pick up the ${obj.color} ${obj.type}`
  }
}
