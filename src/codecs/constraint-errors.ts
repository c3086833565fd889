import { validationError } from '../errors/bedrock-errors.js';

/**
 * Collects violations of the API model's constraints and reports them the way the service's request
 * validation does: `2 validation errors detected: Value '0' at 'inferenceConfig.maxTokens' failed to
 * satisfy constraint: Member must have value greater than or equal to 1; Value …`. Paths use the service's
 * 1-based `list.N.member` form.
 */
export class ConstraintErrors {
  private readonly violations: string[] = [];

  /** Records that `value` at `path` breaks `constraint`. */
  add(path: string, value: unknown, constraint: string): void {
    this.violations.push(`Value ${describeValue(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** Checks a number against inclusive bounds. */
  checkRange(path: string, value: unknown, minimum?: number, maximum?: number): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      this.add(path, value, 'Member must be a number');
    } else if (minimum !== undefined && value < minimum) {
      this.add(path, value, `Member must have value greater than or equal to ${minimum}`);
    } else if (maximum !== undefined && value > maximum) {
      this.add(path, value, `Member must have value less than or equal to ${maximum}`);
    }
  }

  /** Checks the length of a string, list or map. */
  checkLength(path: string, value: unknown, minimum?: number, maximum?: number): void {
    if (value === undefined) return;
    const length = typeof value === 'string' || Array.isArray(value) ? value.length : typeof value === 'object' && value !== null ? Object.keys(value).length : undefined;
    if (length === undefined) return;
    if (minimum !== undefined && length < minimum) this.add(path, value, `Member must have length greater than or equal to ${minimum}`);
    else if (maximum !== undefined && length > maximum) this.add(path, value, `Member must have length less than or equal to ${maximum}`);
  }

  /** Checks that a value is one of an enum's members. */
  checkEnum(path: string, value: unknown, members: readonly string[]): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !members.includes(value)) this.add(path, value, `Member must satisfy enum value set: [${members.join(', ')}]`);
  }

  /** Checks that a string matches a pattern. */
  checkPattern(path: string, value: unknown, pattern: RegExp, patternText: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !pattern.test(value)) this.add(path, value, `Member must satisfy regular expression pattern: ${patternText}`);
  }

  /** Checks that a required member is present. */
  checkRequired(path: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.add(path, null, 'Member must not be null');
      return false;
    }
    return true;
  }

  /** Throws `ValidationException` listing every violation, if there are any. */
  throwIfAny(): void {
    const count = this.violations.length;
    if (count === 0) return;
    throw validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`);
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}
