// MiniGrid's RoomGrid (minigrid/core/roomgrid.py): num_rows x num_cols square rooms of room_size cells sharing
// their walls, with helpers to add doors, objects and the agent. Line numbers are MiniGrid 9092872's.
//   _gen_grid: walls of every room (rows, then columns); then, room by room, the position of the door on its right
//     wall (y drawn in [top.y + 1, top.y + size - 1), :161) and on its bottom wall (x likewise, :164); the left/up
//     positions copy the neighbour's. The agent's default position is the centre of the middle room, facing right.
//   place_in_room (:190): place_obj in the room with reject_next_to (Manhattan distance < 2 from agent_pos) and
//     max_tries 1000. agent_pos is then still the default centre (or wherever the agent was placed already).
//   add_object (:213 colour, :228 place), add_door (:253 colour when none; a random wall when none; the rooms
//     on both sides record the door), remove_wall, place_agent (:329, retried until the cell in front is empty or a
//     wall), connect_all (:376-378 room i, j and wall k, :390 colour; until every room is reachable).
import { COLOR_NAMES, type Color } from './constants.ts'
import { Grid } from './grid.ts'
import { MiniGridEnv, type MiniGridConfig, type RejectFn } from './minigrid_env.ts'
import { Ball, Box, Door, Key, type WorldObj } from './objects.ts'

export class Room {
  /** Order of doors, door positions and neighbours: right, down, left, up. A door is a Door, or `true` where
   *  remove_wall opened the wall. */
  readonly doors: (Door | true | null)[] = [null, null, null, null]
  readonly doorPos: ([number, number] | null)[] = [null, null, null, null]
  readonly neighbors: (Room | null)[] = [null, null, null, null]
  locked = false
  readonly objs: WorldObj[] = []

  /** index: j * num_cols + i (ours, for bookkeeping) */
  constructor(
    readonly top: readonly [number, number],
    readonly size: readonly [number, number],
    readonly index = 0,
  ) {}
}

/** reject_next_to: rejects the agent's cell and its 4 neighbours. */
export const rejectNextTo: RejectFn = (env, x, y) => Math.abs(env.agentPos[0] - x) + Math.abs(env.agentPos[1] - y) < 2

export interface RoomGridConfig {
  roomSize: number
  numRows: number
  numCols: number
  maxSteps: number
}

export abstract class RoomGrid extends MiniGridEnv {
  readonly roomSize: number
  readonly numRows: number
  readonly numCols: number
  roomGrid: Room[][] = []

  constructor(id: string, cfg: RoomGridConfig, seed?: number) {
    const grid: MiniGridConfig = {
      width: (cfg.roomSize - 1) * cfg.numCols + 1,
      height: (cfg.roomSize - 1) * cfg.numRows + 1,
      maxSteps: cfg.maxSteps,
    }
    super(id, grid, seed)
    this.roomSize = cfg.roomSize
    this.numRows = cfg.numRows
    this.numCols = cfg.numCols
  }

  getRoom(i: number, j: number): Room {
    return this.roomGrid[j][i]
  }

  roomFromPos(x: number, y: number): Room {
    return this.roomGrid[Math.floor(y / (this.roomSize - 1))][Math.floor(x / (this.roomSize - 1))]
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height)
    const s = this.roomSize
    this.roomGrid = []
    for (let j = 0; j < this.numRows; j++) {
      const row: Room[] = []
      for (let i = 0; i < this.numCols; i++) {
        const room = new Room([i * (s - 1), j * (s - 1)], [s, s], j * this.numCols + i)
        row.push(room)
        this.grid.wallRect(room.top[0], room.top[1], s, s)
      }
      this.roomGrid.push(row)
    }
    for (let j = 0; j < this.numRows; j++) {
      for (let i = 0; i < this.numCols; i++) {
        const room = this.roomGrid[j][i]
        const xl = room.top[0] + 1,
          yl = room.top[1] + 1
        const xm = room.top[0] + room.size[0] - 1,
          ym = room.top[1] + room.size[1] - 1
        if (i < this.numCols - 1) {
          room.neighbors[0] = this.roomGrid[j][i + 1]
          room.doorPos[0] = [xm, this.randInt(yl, ym)]
        }
        if (j < this.numRows - 1) {
          room.neighbors[1] = this.roomGrid[j + 1][i]
          room.doorPos[1] = [this.randInt(xl, xm), ym]
        }
        if (i > 0) {
          room.neighbors[2] = this.roomGrid[j][i - 1]
          room.doorPos[2] = room.neighbors[2].doorPos[0]
        }
        if (j > 0) {
          room.neighbors[3] = this.roomGrid[j - 1][i]
          room.doorPos[3] = room.neighbors[3].doorPos[1]
        }
      }
    }
    this.agentPos[0] = (this.numCols >> 1) * (s - 1) + (s >> 1)
    this.agentPos[1] = (this.numRows >> 1) * (s - 1) + (s >> 1)
    this.agentDir = 0
  }

  placeInRoom(i: number, j: number, obj: WorldObj): [number, number] {
    const room = this.getRoom(i, j)
    const pos = this.placeObj(obj, room.top, room.size, rejectNextTo, 1000)
    room.objs.push(obj)
    return pos
  }

  addObject(i: number, j: number, kind?: 'key' | 'ball' | 'box', color?: Color): WorldObj {
    const k = kind ?? this.randElem(['key', 'ball', 'box'] as const)
    const c = color ?? this.randColor()
    const obj = k === 'key' ? new Key(c) : k === 'ball' ? new Ball(c) : new Box(c)
    this.placeInRoom(i, j, obj)
    return obj
  }

  addDoor(i: number, j: number, doorIdx?: number, color?: Color, locked?: boolean): Door {
    const room = this.getRoom(i, j)
    let k = doorIdx
    if (k === undefined) {
      do k = this.randInt(0, 4)
      while (!(room.neighbors[k] && room.doors[k] === null))
    }
    const c = color ?? this.randColor()
    const isLocked = locked ?? this.randInt(0, 2) === 0 // _rand_bool
    if (room.doors[k] !== null) throw new Error(`${this.id}: door already exists`)
    room.locked = isLocked
    const door = new Door(c, false, isLocked)
    const pos = room.doorPos[k]!
    this.grid.set(pos[0], pos[1], door)
    room.doors[k] = door
    room.neighbors[k]!.doors[(k + 2) % 4] = door
    return door
  }

  removeWall(i: number, j: number, wallIdx: number): void {
    const room = this.getRoom(i, j)
    const neighbor = room.neighbors[wallIdx]
    if (room.doors[wallIdx] !== null || !neighbor) throw new Error(`${this.id}: cannot remove wall ${wallIdx} of room (${i}, ${j})`)
    const [tx, ty] = room.top,
      [w, h] = room.size
    if (wallIdx === 0) for (let k = 1; k < h - 1; k++) this.grid.set(tx + w - 1, ty + k, null)
    else if (wallIdx === 1) for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty + h - 1, null)
    else if (wallIdx === 2) for (let k = 1; k < h - 1; k++) this.grid.set(tx, ty + k, null)
    else for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty, null)
    room.doors[wallIdx] = true
    neighbor.doors[(wallIdx + 2) % 4] = true
  }

  /** RoomGrid.place_agent: in room (i, j) (random when omitted), until the agent does not face an object. */
  placeAgentInRoom(i?: number, j?: number, randDir = true): [number, number] {
    const ri = i ?? this.randInt(0, this.numCols)
    const rj = j ?? this.randInt(0, this.numRows)
    const room = this.roomGrid[rj][ri]
    for (;;) {
      this.placeAgent(room.top, room.size, randDir, 1000)
      const [fx, fy] = this.frontPos()
      const front = this.grid.get(fx, fy)
      if (front === null || front.type === 'wall') break
    }
    return [this.agentPos[0], this.agentPos[1]]
  }

  /** connect_all: random unlocked doors until every room is reachable from the agent's room. */
  connectAll(doorColors: readonly Color[] = COLOR_NAMES, maxItrs = 5000): Door[] {
    const start = this.roomFromPos(this.agentPos[0], this.agentPos[1])
    const added: Door[] = []
    // find_reach: rooms reachable from the start through doors or removed walls (counted, by room index)
    const seen = new Uint8Array(this.numRows * this.numCols),
      stack: Room[] = []
    const reachable = () => {
      seen.fill(0)
      let n = 0
      stack.push(start)
      while (stack.length > 0) {
        const room = stack.pop()!
        if (seen[room.index]) continue
        seen[room.index] = 1
        n++
        for (let k = 0; k < 4; k++) if (room.doors[k]) stack.push(room.neighbors[k]!)
      }
      return n
    }
    for (let itrs = 0; ; itrs++) {
      if (itrs > maxItrs) throw new Error(`${this.id}: connect_all failed`)
      if (reachable() === this.numRows * this.numCols) break
      const i = this.randInt(0, this.numCols)
      const j = this.randInt(0, this.numRows)
      const k = this.randInt(0, 4)
      const room = this.getRoom(i, j)
      if (!room.doorPos[k] || room.doors[k]) continue
      if (room.locked || room.neighbors[k]!.locked) continue
      added.push(this.addDoor(i, j, k, this.randElem(doorColors), false))
    }
    return added
  }
}
