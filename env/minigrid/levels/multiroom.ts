// MiniGrid's MultiRoomEnv (minigrid/envs/multiroom.py): a chain of rooms joined by closed (unlocked) doors on a
// 25 x 25 grid, the agent in the first room, the goal in the last. max_steps = maxNumRooms * 20.
//   numRooms = _rand_int(minNumRooms, maxNumRooms + 1) (:121). Chains are drawn until one has numRooms rooms, the
//   longest so far kept; each starts at entry door (_rand_int(0, width - 2), _rand_int(0, width - 2)) (:126, both
//   with width) and grows by _placeRoom (:129):
//   _placeRoom: size x then y in [4, maxRoomSize] (:193-194); the first room's top-left is the entry position,
//     the others are placed against the entry door with a random offset along that wall (:203-217); rejected when
//     it leaves the grid (touching the bottom edge counts as leaving, the right edge does not) or overlaps a room
//     other than the most recent one; then up to 8 tries (:252-272) of an exit wall (sorted walls minus the entry
//     one), an exit position on it, and a recursive _placeRoom; the first next room placed ends the tries.
//   Then every room's walls, and for every room after the first a door at its entry, its colour drawn from the
//   sorted colours minus the previous door's (:174). Cells outside the rooms stay empty. The agent is placed in
//   the first room (:184), the goal in the last (:187).
// Mission: "traverse the rooms to get to the goal".
import { COLOR_NAMES, type Color } from '../constants.ts'
import { Grid } from '../grid.ts'
import { MiniGridEnv } from '../minigrid_env.ts'
import { Door, Goal, Wall } from '../objects.ts'

interface ChainRoom {
  top: [number, number]
  size: [number, number]
  entryDoorPos: [number, number]
  exitDoorPos: [number, number] | null
}

export interface MultiRoomOptions {
  minNumRooms: number
  maxNumRooms: number
  maxRoomSize?: number
  width?: number
  height?: number
  maxSteps?: number
}

export class MultiRoomEnv extends MiniGridEnv {
  readonly minNumRooms: number
  readonly maxNumRooms: number
  readonly maxRoomSize: number
  rooms: ChainRoom[] = []
  goalPos: [number, number] = [-1, -1]

  constructor(id: string, opts: MultiRoomOptions, seed?: number) {
    const { minNumRooms, maxNumRooms, maxRoomSize = 10, width = 25, height = 25 } = opts
    if (!(minNumRooms > 0 && maxNumRooms >= minNumRooms && maxRoomSize >= 4)) {
      throw new Error(`${id}: MultiRoom needs 0 < minNumRooms <= maxNumRooms and maxRoomSize >= 4`)
    }
    super(id, { width, height, maxSteps: opts.maxSteps ?? maxNumRooms * 20 }, seed)
    this.minNumRooms = minNumRooms
    this.maxNumRooms = maxNumRooms
    this.maxRoomSize = maxRoomSize
  }

  protected genGrid(width: number, height: number): void {
    let roomList: ChainRoom[] = []
    const numRooms = this.randInt(this.minNumRooms, this.maxNumRooms + 1)
    while (roomList.length < numRooms) {
      const cur: ChainRoom[] = []
      const entryDoorPos: [number, number] = [this.randInt(0, width - 2), this.randInt(0, width - 2)]
      this.placeRoom(numRooms, cur, 4, this.maxRoomSize, 2, entryDoorPos)
      if (cur.length > roomList.length) roomList = cur
    }
    this.rooms = roomList
    this.grid = new Grid(width, height)
    const wall = new Wall()
    let prevDoorColor: Color | null = null
    roomList.forEach((room, idx) => {
      const [topX, topY] = room.top,
        [sizeX, sizeY] = room.size
      for (let i = 0; i < sizeX; i++) {
        this.grid.set(topX + i, topY, wall)
        this.grid.set(topX + i, topY + sizeY - 1, wall)
      }
      for (let j = 0; j < sizeY; j++) {
        this.grid.set(topX, topY + j, wall)
        this.grid.set(topX + sizeX - 1, topY + j, wall)
      }
      if (idx > 0) {
        const doorColor: Color = this.randElem(COLOR_NAMES.filter((c) => c !== prevDoorColor))
        this.grid.set(room.entryDoorPos[0], room.entryDoorPos[1], new Door(doorColor))
        prevDoorColor = doorColor
        roomList[idx - 1].exitDoorPos = room.entryDoorPos
      }
    })
    const first = roomList[0],
      last = roomList[roomList.length - 1]
    this.placeAgent(first.top, first.size)
    this.goalPos = this.placeObj(new Goal(), last.top, last.size)
    this.mission = 'traverse the rooms to get to the goal'
  }

  // _placeRoom: true when this room was placed (whatever happened to the rooms after it)
  private placeRoom(numLeft: number, roomList: ChainRoom[], minSz: number, maxSz: number, entryDoorWall: number, entryDoorPos: [number, number]): boolean {
    const sizeX = this.randInt(minSz, maxSz + 1)
    const sizeY = this.randInt(minSz, maxSz + 1)
    const [ex, ey] = entryDoorPos
    let topX: number, topY: number
    if (roomList.length === 0) [topX, topY] = entryDoorPos
    else if (entryDoorWall === 0) {
      topX = ex - sizeX + 1
      topY = this.randInt(ey - sizeY + 2, ey)
    } else if (entryDoorWall === 1) {
      topX = this.randInt(ex - sizeX + 2, ex)
      topY = ey - sizeY + 1
    } else if (entryDoorWall === 2) {
      topX = ex
      topY = this.randInt(ey - sizeY + 2, ey)
    } else {
      topX = this.randInt(ex - sizeX + 2, ex)
      topY = ey
    }
    if (topX < 0 || topY < 0) return false
    if (topX + sizeX > this.width || topY + sizeY >= this.height) return false
    for (let r = 0; r < roomList.length - 1; r++) {
      const room = roomList[r]
      const nonOverlap = topX + sizeX < room.top[0] || room.top[0] + room.size[0] <= topX || topY + sizeY < room.top[1] || room.top[1] + room.size[1] <= topY
      if (!nonOverlap) return false
    }
    roomList.push({ top: [topX, topY], size: [sizeX, sizeY], entryDoorPos, exitDoorPos: null })
    if (numLeft === 1) return true
    for (let i = 0; i < 8; i++) {
      const exitDoorWall = this.randElem([0, 1, 2, 3].filter((w) => w !== entryDoorWall))
      let exitDoorPos: [number, number]
      if (exitDoorWall === 0) exitDoorPos = [topX + sizeX - 1, topY + this.randInt(1, sizeY - 1)]
      else if (exitDoorWall === 1) exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY + sizeY - 1]
      else if (exitDoorWall === 2) exitDoorPos = [topX, topY + this.randInt(1, sizeY - 1)]
      else exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY]
      if (this.placeRoom(numLeft - 1, roomList, minSz, maxSz, (exitDoorWall + 2) % 4, exitDoorPos)) break
    }
    return true
  }
}
