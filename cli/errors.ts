// How the command fails: every failure is an error thrown up to cli/program.ts, which prints it as one line
// `error: <message>` on stderr and returns its exit code (never a stack trace). Commands never call process.exit, so
// tests run them in-process. Exit codes: 0 done, 1 the run failed (non-finite training, a disk write error),
// 2 bad input (a flag, an argument, a damaged or mismatched file).
import * as fs from 'node:fs'
import * as path from 'node:path'

export const EXIT_FAILED = 1
export const EXIT_BAD_INPUT = 2

/** A failure with its exit code; an empty message prints nothing (the child process already spoke). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT_BAD_INPUT,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Stop with `error: <msg>` and exit 2. */
export function badInput(msg: string): never {
  throw new CliError(msg, EXIT_BAD_INPUT)
}

/** A message on one line: inner line breaks become spaces. */
export function oneLine(msg: string): string {
  return msg.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EFBIG: 'file too large',
  ERR_FS_FILE_TOO_LARGE: 'file too large to read',
}

/** A file system error as a short reason with its code ("no space left on device (ENOSPC)"). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  if (typeof code === 'string') return FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : code
  return oneLine(String((e as Error)?.message ?? e))
}

/** True for an error thrown by the file system (it carries an errno code). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && !(e instanceof CliError)
}

/**
 * Run a write; a file system error becomes one line naming the file and the reason, plus `after` (what was kept),
 * exit 1. Anything else passes through.
 */
export function writing<T>(file: string, fn: () => T, after = ''): T {
  try {
    return fn()
  } catch (e) {
    if (!isFsError(e)) throw e
    throw new CliError(`cannot write ${file}: ${fsReason(e)}${after ? `; ${after}` : ''}`, EXIT_FAILED)
  }
}

/**
 * Check, creating nothing, that `file` can be written: its folder exists and is writable, and it is not a folder.
 * `what` names it in the error line ("GIF", "--out").
 */
export function checkOutputFile(file: string, what: string): void {
  if (file === '') badInput(`${what} needs a file name, not an empty string`)
  const fail = (reason: string): never => badInput(`cannot write ${what} '${file}': ${reason}`)
  const dir = path.dirname(path.resolve(file))
  try {
    if (!fs.statSync(dir).isDirectory()) fail(`${dir} is not a directory (ENOTDIR)`)
    fs.accessSync(dir, fs.constants.W_OK)
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) fail('is a directory (EISDIR)')
  } catch (e) {
    if (e instanceof CliError) throw e
    fail(fsReason(e))
  }
}

/** Check, creating nothing, that folder `dir` exists and is writable or could be created where it is missing. */
export function checkOutputDir(dir: string, what: string): void {
  if (dir === '') badInput(`${what} needs a folder name, not an empty string`)
  let p = path.resolve(dir)
  while (!fs.existsSync(p) && path.dirname(p) !== p) p = path.dirname(p)
  try {
    if (!fs.statSync(p).isDirectory()) badInput(`cannot write ${what} '${dir}': ${p} is not a directory (ENOTDIR)`)
    fs.accessSync(p, fs.constants.W_OK)
  } catch (e) {
    if (e instanceof CliError) throw e
    badInput(`cannot write ${what} '${dir}': ${fsReason(e)}`)
  }
}
