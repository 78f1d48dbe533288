/**
 * The one base class of every error pco throws. Subclasses are flat (one level below this), carry
 * a stable machine-readable `code`, readonly `context` and the underlying `cause`.
 *
 * It lives in @pco/graph because every other pco package already builds on the graph, and the
 * graph has no runtime dependencies of its own.
 */
export class PcoError extends Error {
  /** Stable machine-readable code, e.g. `GRAPH_INVALID`, `CODEGEN_API`. */
  readonly code: string;
  /** Structured details; never holds a secret. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

/** True when `value` is a {@link PcoError} (also across duplicated package copies). */
export function isPcoError(value: unknown): value is PcoError {
  return (
    value instanceof PcoError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === 'string' && 'context' in value)
  );
}
