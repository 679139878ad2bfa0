// Types of scripts/bundle.js (plain JS so it runs without a TS loader) for the tests that import it.
export function bundle(outdir?: string, opts?: { minify?: boolean }): Promise<void>
