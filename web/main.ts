// The page: controls, a game picker (every registered game: the PLE games and the MiniGrid levels), the game canvas (the worker's demo
// episodes, scaled up nearest-neighbour to about 288 pixels), a chart of the mean extrinsic return per iteration,
// and on MiniGrid the iteration's heat maps (visits and mean intrinsic reward per cell, rl/visit_colors.ts).
// Training runs in web/trainer_worker.ts; only this file touches the DOM.
// Query string: ?game=MiniGrid-DoorKey-8x8-v0 picks the game, ?autostart=1 starts at once, ?tiny=1 picks a
// seconds-per-iteration config (the browser test's), ?backend=webgpu, and any other flag of rl/args.ts
// (?num_envs=8&rng_seed=3) overrides the game's settings (web/settings.ts).
import { DEFAULT_ARGS, FLAGS, flagFromText, isFlag, type Args } from '../rl/args.ts'
import type { IterationMetrics } from '../rl/ppo_rnd.ts'
import { cellColors, visitScales, type RGB } from '../rl/visit_colors.ts'
import type { BackendChoice, FromWorker, ToWorker } from './trainer_worker.ts'
import { GAMES, PIXELCOPTER, gameSettings, isMiniGrid } from './settings.ts'

/** num_trials: whole-episode rollouts (most PLE games); num_steps: fixed-length ones (MiniGrid, long PLE episodes) */
const FIELDS = ['num_trials', 'num_steps', 'num_envs', 'rng_seed', 'max_iterations'] as const
const CANVAS = 288,
  FPS = 30

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const query = new URLSearchParams(location.search)
/** Read by test/web/page.test.ts. */
const hook = { metrics: [] as IterationMetrics[], episodes: { greedy: 0, random: 0 }, visits: 0, errors: [] as string[], status: '' }
;(window as unknown as { __rlrnd: typeof hook }).__rlrnd = hook

// ---------------------------------------------------------------------------------------------------- settings
// every flag of rl/args.ts but backend and game (the selects pick them); a value that is not of the flag's type is
// reported on the status line and ignored (ranges are checked by the worker's validateArgs)
const overrides: Partial<Args> = {}
const queryErrors: string[] = []
for (const [k, v] of query) {
  if (!isFlag(k) || k === 'backend' || k === 'game') continue
  const x = flagFromText(k, v)
  if (x === null) queryErrors.push(`?${k}=${v}: not a ${FLAGS[k].kind === 'bool' ? 'boolean (1, 0, true, false)' : 'number'}`)
  else (overrides as Record<string, unknown>)[k] = x
}
const levelSel = $<HTMLSelectElement>('level')
for (const g of GAMES) levelSel.add(new Option(g, g))
const asked = query.get('game')
if (asked !== null && !GAMES.includes(asked)) queryErrors.push(`?game=${asked}: not one of ${GAMES.join(', ')}`)
levelSel.value = asked !== null && GAMES.includes(asked) ? asked : PIXELCOPTER
let settings: Partial<Args> = {}
/** The chosen game's settings under the query's overrides, into the form (num_trials or num_steps as it uses). */
function loadSettings(): void {
  settings = { ...gameSettings(levelSel.value, query.has('tiny')), ...overrides }
  for (const f of FIELDS) $<HTMLInputElement>(f).value = String(settings[f] ?? DEFAULT_ARGS[f])
  const fixed = (settings.num_steps ?? 0) > 0
  $('num_trials').parentElement!.style.display = fixed ? 'none' : ''
  $('num_steps').parentElement!.style.display = fixed ? '' : 'none'
  $('heat').style.display = isMiniGrid(levelSel.value) ? '' : 'none'
}
levelSel.onchange = () => {
  loadSettings()
  hook.metrics = []
  drawChart()
}
loadSettings()
const backendSel = $<HTMLSelectElement>('backend')
if (query.get('backend') === 'webgpu') backendSel.value = 'webgpu'

// ---------------------------------------------------------------------------------------------------- worker
let worker: Worker
let state: 'idle' | 'running' | 'paused' = 'idle'
const startBtn = $<HTMLButtonElement>('start')

function setStatus(text: string): void {
  hook.status = text
  $('status').textContent = text
}
function setState(s: typeof state): void {
  state = s
  startBtn.textContent = s === 'running' ? 'Pause' : s === 'paused' ? 'Resume' : 'Start training'
  for (const f of [...FIELDS, 'backend', 'level']) $<HTMLInputElement>(f).disabled = s !== 'idle'
}

function newWorker(): void {
  worker = new Worker(new URL('trainer_worker.js', import.meta.url), { type: 'module' })
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data
    if (msg.type === 'status') setStatus(msg.text)
    else if (msg.type === 'metrics') onMetrics(msg.m)
    else if (msg.type === 'visits') {
      hook.visits++
      drawHeat(msg)
    } else if (msg.type === 'episode') {
      hook.episodes[msg.kind]++
      showEpisode(msg)
    } else if (msg.type === 'error') {
      // the trainer is lost: a fresh worker, the chart kept
      hook.errors.push(msg.text)
      worker.terminate()
      newWorker()
      setState('idle')
      setStatus(`error: ${msg.text.split('\n')[0]}`)
    }
  }
  worker.onerror = (e) => {
    hook.errors.push(e.message)
    setStatus(`worker error: ${e.message}`)
  }
}
const send = (msg: ToWorker) => worker.postMessage(msg)

startBtn.onclick = () => {
  if (state === 'running') {
    send({ type: 'pause' })
    setState('paused')
    setStatus('pausing after this iteration')
    return
  }
  if (state === 'idle') {
    for (const f of FIELDS) settings[f] = Number($<HTMLInputElement>(f).value)
    send({ type: 'start', backend: backendSel.value as BackendChoice, game: levelSel.value, overrides: settings })
    setStatus('starting')
  } else send({ type: 'resume' })
  setState('running')
}
$<HTMLButtonElement>('reset').onclick = () => {
  worker.terminate()
  newWorker()
  hook.metrics = []
  drawChart()
  clearHeat()
  setState('idle')
  setStatus('reset: a fresh trainer on the next start')
}
let randomSeed = 1
$<HTMLButtonElement>('random').onclick = () => send({ type: 'random', seed: randomSeed++, game: levelSel.value })

// ---------------------------------------------------------------------------------------------------- game canvas
const game = $<HTMLCanvasElement>('game'),
  gameCtx = game.getContext('2d')!
const small = document.createElement('canvas'),
  smallCtx = small.getContext('2d')!
type Episode = Extract<FromWorker, { type: 'episode' }>
let episode: Episode | null = null,
  next: Episode | null = null // next: the newest demo, shown when this one ends
let frame = 0,
  image: ImageData | null = null

function showEpisode(ep: Episode): void {
  if (episode && frame > 0 && ep.kind === 'greedy') {
    next = ep
    return
  } // random previews cut in at once
  episode = ep
  next = null
  frame = 0
  small.width = ep.w
  small.height = ep.h
  const scale = CANVAS / Math.max(ep.w, ep.h) // PixelCopter's 48 pixels: 6x; an 8x8 MiniGrid (64): 4.5x
  game.width = Math.round(ep.w * scale)
  game.height = Math.round(ep.h * scale)
  image = smallCtx.createImageData(ep.w, ep.h)
  const what = ep.kind === 'greedy' ? `greedy policy after iteration ${ep.iteration}` : 'random actions'
  $('episode').textContent = `${what}: ${ep.count - 1} steps, return ${ep.ret.toFixed(2)}`
  drawFrame()
}

function drawFrame(): void {
  if (!episode || !image) return
  const n = episode.w * episode.h,
    px = image.data
  for (let i = 0, o = frame * n * 3; i < n; i++, o += 3) {
    px[4 * i] = episode.frames[o]
    px[4 * i + 1] = episode.frames[o + 1]
    px[4 * i + 2] = episode.frames[o + 2]
    px[4 * i + 3] = 255
  }
  smallCtx.putImageData(image, 0, 0)
  gameCtx.imageSmoothingEnabled = false
  gameCtx.drawImage(small, 0, 0, game.width, game.height)
  frame = (frame + 1) % episode.count
  if (frame === 0 && next) showEpisode(next)
}
setInterval(drawFrame, 1000 / FPS)

// ---------------------------------------------------------------------------------------------------- metrics
function onMetrics(m: IterationMetrics): void {
  hook.metrics.push(m)
  // fixed-length rollouts (MiniGrid) may end no episode in an iteration: its return statistics are NaN then
  const ret = Number.isFinite(m.return_ext_mean)
    ? `return ${m.return_ext_mean.toFixed(2)} ± ${m.return_ext_std.toFixed(2)} (min ${m.return_ext_min}, max ${m.return_ext_max}` +
      `${isMiniGrid(levelSel.value) ? `; success ${m.success_rate.toFixed(2)} of ${m.episodes} episodes` : ''})`
    : 'no episode ended'
  $('metrics').textContent =
    `iteration ${m.iteration}: ${ret}, intrinsic ${m.intrinsic_reward_mean.toExponential(2)}, ` +
    `${m.total_env_steps} env steps, ${m.env_steps_per_s.toFixed(0)} steps/s, ` +
    `train ${m.train_seconds.toFixed(1)} s; approx_kl ${m.approx_kl.toPrecision(2)}, ` +
    `clip_fraction ${m.clip_fraction.toFixed(3)}, explained_variance_ext ${m.explained_variance_ext.toFixed(2)}`
  drawChart()
}

/** Mean return per iteration as a line, min..max as a band, zero as a dashed line (iterations where an episode ended). */
function drawChart(): void {
  const c = $<HTMLCanvasElement>('chart'),
    g = c.getContext('2d')!
  const W = c.width,
    H = c.height,
    pad = 28
  g.fillStyle = '#111'
  g.fillRect(0, 0, W, H)
  const ms = hook.metrics.filter((m) => Number.isFinite(m.return_ext_mean))
  if (!ms.length) return
  const first = ms[0].iteration,
    last = hook.metrics[hook.metrics.length - 1].iteration
  const lo = Math.min(0, ...ms.map((m) => m.return_ext_min)),
    hi = Math.max(1, ...ms.map((m) => m.return_ext_max))
  const x = (it: number) => pad + (last > first ? ((it - first) / (last - first)) * (W - 2 * pad) : (W - 2 * pad) / 2)
  const y = (v: number) => H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad)
  g.fillStyle = 'rgba(120, 240, 80, 0.15)'
  g.beginPath()
  ms.forEach((m) => g.lineTo(x(m.iteration), y(m.return_ext_max)))
  for (let i = ms.length - 1; i >= 0; i--) g.lineTo(x(ms[i].iteration), y(ms[i].return_ext_min))
  g.fill()
  g.strokeStyle = '#666'
  g.setLineDash([4, 4])
  g.beginPath()
  g.moveTo(pad, y(0))
  g.lineTo(W - pad, y(0))
  g.stroke()
  g.setLineDash([])
  g.strokeStyle = 'rgb(120, 240, 80)'
  g.lineWidth = 2
  g.beginPath()
  ms.forEach((m) => g.lineTo(x(m.iteration), y(m.return_ext_mean)))
  g.stroke()
  if (ms.length === 1) g.strokeRect(x(ms[0].iteration) - 2, y(ms[0].return_ext_mean) - 2, 4, 4)
  g.fillStyle = '#aaa'
  g.font = '11px monospace'
  g.fillText(hi.toFixed(1), 2, pad - 4)
  g.fillText(lo.toFixed(1), 2, H - pad + 12)
  g.fillText(`iteration ${last}`, W - pad - 80, H - 6)
}

// ---------------------------------------------------------------------------------------------------- heat maps
type Visits = Extract<FromWorker, { type: 'visits' }>
const heat = $<HTMLCanvasElement>('heat'),
  heatCtx = heat.getContext('2d')!
const css = ([r, g, b]: RGB) => `rgb(${r}, ${g}, ${b})`

function clearHeat(): void {
  heatCtx.fillStyle = '#111'
  heatCtx.fillRect(0, 0, heat.width, heat.height)
}

/** The last iteration's visits (log scale) and mean intrinsic reward per cell, side by side, on its own scales. */
function drawHeat(v: Visits): void {
  clearHeat()
  const r = v.record,
    sc = visitScales([r]),
    half = heat.width / 2
  const cell = Math.max(1, Math.floor(Math.min(half - 16, heat.height - 44) / Math.max(r.width, r.height)))
  const panels = [
    { pick: 'visits' as const, title: `visits (log scale, max ${sc.maxVisits})` },
    { pick: 'intrinsic' as const, title: `intrinsic (log, ${sc.intLo.toPrecision(2)}..${sc.intHi.toPrecision(2)})` },
  ]
  heatCtx.font = '11px monospace'
  panels.forEach((p, i) => {
    const x0 = 8 + i * half,
      y0 = 20
    heatCtx.fillStyle = '#aaa'
    heatCtx.fillText(p.title, x0, 13)
    for (let y = 0; y < r.height; y++)
      for (let x = 0; x < r.width; x++) {
        heatCtx.fillStyle = css(cellColors(r, y * r.width + x, sc)[p.pick])
        heatCtx.fillRect(x0 + x * cell, y0 + y * cell, cell, cell)
      }
  })
  heatCtx.fillStyle = '#aaa'
  heatCtx.fillText(`iteration ${v.iteration}, ${v.total_env_steps} env steps; grey: not visited`, 8, heat.height - 6)
}

newWorker()
setState('idle')
drawChart()
clearHeat()
setStatus(queryErrors.length ? `ignored ${queryErrors.join('; ')}` : 'idle')
if (query.get('autostart') === '1') startBtn.click()
