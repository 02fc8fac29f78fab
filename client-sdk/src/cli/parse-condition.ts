export type ComparisonOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface Condition {
  selector: string;
  operator: ComparisonOperator;
  threshold: number;
  test(value: number): boolean;
}

const PATTERN = /^(.*?)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** `Digital RPM 1 > 5000`, `quantity:rpm >= 3000`: selector, operator, number. Throws naming what is wrong. */
export function parseCondition(text: string): Condition {
  const match = PATTERN.exec(text);
  if (!match || match[1].trim() === '') {
    throw new Error(`condition "${text}": expected '<selector> <op> <number>' with op one of > >= < <= == !=`);
  }
  const selector = match[1].trim();
  // `RPM >> 5000` would read as the selector "RPM >": a selector never ends with an operator character.
  if (/[<>=!]$/.test(selector)) {
    throw new Error(
      `condition "${text}": "${selector.slice(-1)}${match[2]}" is not an operator; expected '<selector> <op> <number>' with op one of > >= < <= == !=`,
    );
  }
  const operator = match[2] as ComparisonOperator;
  const threshold = Number(match[3]);
  const tests: Record<ComparisonOperator, (value: number) => boolean> = {
    '>': (value) => value > threshold,
    '>=': (value) => value >= threshold,
    '<': (value) => value < threshold,
    '<=': (value) => value <= threshold,
    '==': (value) => value === threshold,
    '!=': (value) => value !== threshold,
  };
  return { selector, operator, threshold, test: tests[operator] };
}
