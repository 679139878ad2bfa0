// `npx tsx scripts/learn_dnc.ts [--updates 1500] [--lstm_factor 4] [--length 8] [--bits 6] [--batch 32] [--lr 0.003]
// [--every 100]`: does the DNC learn what an LSTM of the same parameter budget cannot? The copy task of
// scripts/copy_task.ts, both models trained side by side on the same batches for `updates` updates (wasm, one thread,
// Adam, gradient clip 10), then the LSTM alone on to lstm_factor times as many (an LSTM update costs about a quarter
// of a DNC's: the same compute). Prints the curve: per window of updates, the mean loss (bits of cross-entropy per
// sequence) and wrong bits per sequence of each, and the seconds of training each model has taken. The DNC: memory
// 16 x 8, one read head, dense links, controller of 32 units; the LSTM gets the width whose parameter count is nearest
// the DNC's. The numbers in docs/dnc.md come from this script.
import { Adam, Rng } from '../engine/index.ts'
import { openBackend } from '../cli/node_backend.ts'
import { copyBatch, DncModel, LstmModel, paramCount, lstmWidthFor, trainStep, type CopyConfig, type SeqModel } from './copy_task.ts'

const opt = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`)
  const v = i > 0 ? Number(process.argv[i + 1]) : def
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`error: --${name} must be a positive number`)
    process.exit(2)
  }
  return v
}
const c: CopyConfig = { bits: opt('bits', 6), length: opt('length', 8), batch: opt('batch', 32) }
const updates = opt('updates', 1500),
  every = opt('every', 100),
  lr = opt('lr', 0.003),
  seed = opt('seed', 1)
const lstmUpdates = Math.round(updates * opt('lstm_factor', 4))
const X = c.bits + 1,
  CLIP = 10

const be = await openBackend('wasm', { threads: 1 })
const dnc = new DncModel(be, X, 32, { N: 16, W: 8, R: 1, K: 0 }, c.bits, new Rng(seed))
const lstm = new LstmModel(be, X, lstmWidthFor(paramCount(dnc), X, c.bits), c.bits, new Rng(seed + 1))
const models: SeqModel[] = [dnc, lstm]
const optims = models.map((m) => new Adam(m.parameters(), { lr }))
console.log(
  `copy task: ${c.length} vectors of ${c.bits} random bits, then a delimiter; ${c.length * c.bits} bits to ` +
    `recall per sequence (chance: ${(c.length * c.bits) / 2} wrong); ${c.batch} sequences per update, Adam lr ${lr}`,
)
for (const m of models) console.log(`  ${m.label}: ${paramCount(m)} parameters`)
console.log(`\n${'update'.padStart(7)}  ${models.map((m) => `${m.label.split(' ')[0]} loss  wrong bits`).join('   ')}   seconds (DNC, LSTM)`)

const rng = new Rng(seed + 100)
const win = models.map(() => ({ loss: 0, wrong: 0 })),
  seconds = models.map(() => 0),
  last = models.map(() => NaN)
const firstBelow = models.map(() => 0)
const col = (i: number) => `${(win[i].loss / every).toFixed(2).padStart(8)}  ${(win[i].wrong / every).toFixed(2).padStart(10)}`
for (let u = 1; u <= Math.max(updates, lstmUpdates); u++) {
  const data = copyBatch(c, rng)
  const active = u <= updates ? [0, 1] : [1]
  for (const i of active) {
    const t0 = performance.now()
    const r = await trainStep(models[i], optims[i], c, data, CLIP)
    seconds[i] += (performance.now() - t0) / 1000
    win[i].loss += r.loss
    win[i].wrong += r.bitErrors
  }
  if (u % every === 0) {
    for (const i of active) {
      last[i] = win[i].wrong / every
      if (last[i] < 1 && !firstBelow[i]) firstBelow[i] = u
    }
    const dncCol = u <= updates ? col(0) : ' '.repeat(20)
    console.log(`${String(u).padStart(7)}  ${dncCol}   ${col(1)}   ${seconds.map((x) => x.toFixed(0)).join(', ')}`)
    for (const w of win) {
      w.loss = 0
      w.wrong = 0
    }
  }
}
console.log()
for (const [i, m] of models.entries()) {
  console.log(
    `${m.label}: ${last[i].toFixed(2)} wrong bits per sequence over its last ${every} of ${i ? lstmUpdates : updates} updates; ` +
      (firstBelow[i] ? `below 1 from update ${firstBelow[i]}` : 'never below 1') +
      `; ${seconds[i].toFixed(0)} s of training`,
  )
}
