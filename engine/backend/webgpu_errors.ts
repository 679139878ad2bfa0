// The WebGPU backend's errors: WGSL compile and validation errors (caught by error scopes, or uncaptured) and device
// loss become an Error naming the kernel(s), thrown by the next check() (every backend call makes one) or by a wait
// (read(), sync()), never a hang. A validation error is thrown once; device loss (and destroy) is sticky.
import { quietly } from './webgpu_poll.ts'

export class DeviceErrors {
  /** a validation error waiting to be thrown (once) by the next check() */
  private error: Error | null = null
  private lostError: Error | null = null
  private scopes: Promise<void>[] = []
  private readonly lost: Promise<never>
  isDestroyed = false

  /** recent(): the kernels of the open batch, for messages */
  constructor(
    private readonly device: GPUDevice,
    recent: () => string,
  ) {
    device.onuncapturederror = (e: any) => this.fail(new Error(`webgpu: uncaptured error (last kernels: ${recent()}): ${e.error?.message ?? e}`))
    this.lost = device.lost.then((info) => {
      this.lostError ??= new Error(
        this.isDestroyed ? 'webgpu: backend destroyed' : `webgpu: device lost (${info.reason}): ${info.message} (last kernels: ${recent()})`,
      )
      throw this.lostError
    })
    this.lost.catch(() => {}) // observed by waits only
  }

  check(): void {
    if (this.lostError) throw this.lostError
    if (this.isDestroyed) throw new Error('webgpu: backend destroyed')
    const e = this.error
    if (e) {
      this.error = null
      throw e
    }
  }

  /** Keep e for the next check() unless an error is already waiting. */
  fail(e: Error): void {
    this.error ??= e
  }

  /**
   * Run make() inside a validation error scope; a scope error goes to onError (settle() waits for it). The scope
   * is popped right after make(), so it catches what make() itself does, not later uses of what it made.
   */
  scoped<T>(make: () => T, onError: (err: GPUError) => void | Promise<void>): T {
    this.device.pushErrorScope('validation')
    const out = make()
    this.scopes.push(this.device.popErrorScope().then((err) => (err ? onError(err) : undefined)))
    return out
  }

  /** Replace a waiting error: for a root cause (a failed pipeline) over its follow-on errors. */
  replace(e: Error): void {
    this.error = e
  }

  /** Wait for outstanding error scopes, then surface the first error. */
  async settle(): Promise<void> {
    const s = this.scopes
    this.scopes = []
    await quietly(Promise.all(s))
    this.check()
  }

  /** p, unless the device is lost first; a failure is the loss error if there is one, else wrap(its error). */
  async wait<T>(p: Promise<T>, wrap: (e: Error) => Error = (e) => e): Promise<T> {
    try {
      return await Promise.race([quietly(p), this.lost])
    } catch (e) {
      throw this.lostError ?? wrap(e as Error)
    }
  }
}
