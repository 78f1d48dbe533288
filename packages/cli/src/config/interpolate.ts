/**
 * `${VAR}` interpolation in configuration values (after parsing, so comments and keys are never
 * touched and a variable's value cannot inject YAML).
 *
 * - `${NAME}`: the variable's value; unset → an error naming it.
 * - `${NAME:-fallback}`: the value, or `fallback` when it is unset or empty (as in POSIX shells).
 * - `$${…}`: a literal `${…}`.
 *
 * Where `resolve(path)` says no (a section the command does not read), references are checked
 * for syntax only and the value is left out: an unset variable there is not an error.
 */

/** One reference that could not be resolved. */
export interface InterpolationProblem {
  readonly path: readonly (string | number)[];
  readonly variable?: string;
  readonly message: string;
  readonly expected: string;
  readonly received: string;
}

export interface InterpolationOutcome {
  readonly value: unknown;
  readonly problems: readonly InterpolationProblem[];
  /** Paths (joined with ".") whose string value came from interpolation: coerced like env values. */
  readonly interpolated: ReadonlySet<string>;
  /** Paths (joined with ".") left out because `resolve` said not to resolve them. */
  readonly unresolved: ReadonlySet<string>;
}

export interface InterpolateOptions {
  /**
   * Whether references at this path are resolved. When false, a value holding a reference is
   * left out (a list holding one is left out whole); syntax errors are still reported.
   * @default every path
   */
  readonly resolve?: (path: readonly (string | number)[]) => boolean;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Marks a value left out; never escapes this module. */
const OMIT = Symbol('omit');

/**
 * Replaces `${VAR}` references in every string of `value` (deeply), never mutating it. Objects are
 * rebuilt with own properties only (`__proto__` stays a plain key, so the unknown-key check sees
 * it and nothing can reach a prototype).
 */
export function interpolate(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  options: InterpolateOptions = {},
): InterpolationOutcome {
  const problems: InterpolationProblem[] = [];
  const interpolated = new Set<string>();
  const unresolved = new Set<string>();
  const resolveAt = options.resolve ?? (() => true);

  const visitString = (node: string, path: (string | number)[]): string | typeof OMIT => {
    if (!node.includes('${')) return node;
    const resolve = resolveAt(path);
    let touched = false;
    const result = node.replace(REFERENCE, (match, inner: string | undefined) => {
      if (match === '$${') return '${';
      touched = true;
      if (inner === undefined) {
        problems.push({
          path,
          message: `unterminated variable reference "\${" (write $\${ for a literal)`,
          expected: '${NAME} or ${NAME:-fallback}',
          received: JSON.stringify(node.length > 60 ? `${node.slice(0, 57)}...` : node),
        });
        return '';
      }
      const separator = inner.indexOf(':-');
      const name = (separator === -1 ? inner : inner.slice(0, separator)).trim();
      if (!NAME.test(name)) {
        problems.push({
          path,
          message: `invalid variable reference ${match}: expected \${NAME} or \${NAME:-fallback}`,
          expected: '${NAME} or ${NAME:-fallback}',
          received: JSON.stringify(match),
        });
        return '';
      }
      if (!resolve) return '';
      // Own properties only: `${constructor}` must not read Object.prototype.constructor.
      const current = Object.hasOwn(env, name) ? env[name] : undefined;
      if (separator !== -1) return current === undefined || current === '' ? inner.slice(separator + 2) : current;
      if (current === undefined) {
        problems.push({
          path,
          variable: name,
          message: `environment variable ${name} is not set (referenced as \${${name}})`,
          expected: `environment variable ${name} to be set`,
          received: 'unset',
        });
        return '';
      }
      return current;
    });
    if (!touched) return result;
    if (!resolve) {
      unresolved.add(path.join('.'));
      return OMIT;
    }
    interpolated.add(path.join('.'));
    return result;
  };

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') return visitString(node, path);
    if (Array.isArray(node)) {
      const items = node.map((item, index) => visit(item, [...path, index]));
      return items.includes(OMIT) ? OMIT : items;
    }
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const result = visit(child, [...path, key]);
        if (result !== OMIT) defineOwn(out, key, result);
      }
      return out;
    }
    return node;
  };

  const result = visit(value, []);
  return { value: result === OMIT ? undefined : result, problems, interpolated, unresolved };
}

/** `target[key] = value` that stays an own property even for `__proto__`. */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
