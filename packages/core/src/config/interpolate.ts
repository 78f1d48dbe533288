/**
 * `${VAR}` interpolation in configuration values (after parsing, so comments and keys are never
 * touched and a variable's value cannot inject YAML).
 *
 * - `${NAME}`: the variable's value; unset → an error naming it.
 * - `${NAME:-fallback}`: the value, or `fallback` when it is unset or empty (as in POSIX shells).
 * - `$${…}`: a literal `${…}`.
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
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces `${VAR}` references in every string of `value` (deeply), never mutating it. */
export function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>): InterpolationOutcome {
  const problems: InterpolationProblem[] = [];
  const interpolated = new Set<string>();

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
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
        const current = env[name];
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
      if (touched) interpolated.add(path.join('.'));
      return result;
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = visit(child, [...path, key]);
      return out;
    }
    return node;
  };

  return { value: visit(value, []), problems, interpolated };
}
